/**
 * Shared e2e helpers: drop a file on the window as a user would (a DataTransfer drop), talk to
 * the web host over its WebSocket contract for set-up the UI has no control for, collect page
 * errors, and save light and dark screenshots under docs/screenshots/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import bencode from 'bencode';
import { WebSocket } from 'ws';
import type { CommandName, Req, Res } from '../src-shared/contract';
import { decodeFrame, encodeFrame } from '../src-shared/wire-frame';
import { expect, repoRoot, type WebHostFixture } from './fixtures';
import { fixtureContent } from './torrent-fixture';

export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');
const invokeTimeoutMs = 10_000;

/** Console errors and uncaught exceptions of the page: a clean run has none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function dropFile(
  page: Page,
  name: string,
  bytes: Buffer,
  type = 'application/x-bittorrent',
): Promise<void> {
  await page.evaluate(
    async ({ name, data, type }) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], name, { type }));
      const target = document.querySelector('main') ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, dataTransfer: dt }));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, dataTransfer: dt }));
    },
    { name, data: bytes.toString('base64'), type },
  );
}

/**
 * Drops a .torrent and, when the app asks first (the add dialog), confirms with "Add". Resolves
 * once the torrent's row is in the list.
 */
export async function addByDrop(
  page: Page,
  fileName: string,
  bytes: Buffer,
  infoHash: string,
): Promise<void> {
  await dropFile(page, fileName, bytes);
  const dialog = page.getByTestId('add-dialog');
  const row = page.locator(`tr.torrent-row[data-id="${infoHash}"]`);
  await expect(dialog.or(row).first()).toBeVisible();
  if (await dialog.isVisible()) {
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  }
  await expect(row).toBeVisible();
}

/** One contract call over the host's WebSocket, as the renderer makes it. */
export function invokeHost<K extends CommandName>(
  host: WebHostFixture,
  name: K,
  req: Req<K>,
): Promise<Res<K>> {
  const url = `${host.origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(host.token)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin: host.origin } });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${name}: no answer in ${invokeTimeoutMs} ms`));
    }, invokeTimeoutMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      ws.close();
      fn();
    };
    ws.on('open', () => ws.send(encodeFrame({ id: 1, name, payload: req })));
    ws.on('message', (data: Buffer) => {
      const msg = decodeFrame(new Uint8Array(data)) as Record<string, unknown>;
      if (msg.id !== 1) return;
      if (msg.ok === true) finish(() => resolve(msg.result as Res<K>));
      else finish(() => reject(new Error(`${name}: ${JSON.stringify(msg.error)}`)));
    });
    ws.on('error', (err) => finish(() => reject(err)));
  });
}

/** Dismisses every toast, so screenshots show the screen itself. */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Dismiss' });
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) await close.first().click();
}

/** Saves `<name>.png` (light) and `<name>-dark.png`, then returns to the light scheme. */
export async function screenshotBoth(page: Page, name: string, dark = true): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  if (!dark) return;
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(screenshotDir, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface MultiFileTorrent {
  name: string;
  bytes: Buffer;
  infoHash: string;
  files: { path: string; content: Buffer }[];
  sizeBytes: number;
}

/** A multi-file torrent (BEP 3 `files`), pieces straddling file boundaries; bencoded by `bencode`. */
export function makeMultiFileTorrent(opts: {
  name: string;
  files: { path: string; sizeBytes: number }[];
  pieceLength: number;
  announce?: string;
}): MultiFileTorrent {
  const files = opts.files.map((f, i) => ({
    path: f.path,
    content: fixtureContent(f.sizeBytes, 100 + i),
  }));
  const all = Buffer.concat(files.map((f) => f.content));
  const hashes: Buffer[] = [];
  for (let at = 0; at < all.length; at += opts.pieceLength) {
    hashes.push(
      createHash('sha1')
        .update(all.subarray(at, at + opts.pieceLength))
        .digest(),
    );
  }
  const info = {
    files: files.map((f) => ({ length: f.content.length, path: f.path.split('/') })),
    name: opts.name,
    'piece length': opts.pieceLength,
    pieces: Buffer.concat(hashes),
  };
  const meta: Record<string, unknown> = { info, 'created by': 'swarmscope e2e' };
  if (opts.announce) meta.announce = opts.announce;
  return {
    name: opts.name,
    bytes: Buffer.from(bencode.encode(meta)),
    infoHash: createHash('sha1').update(bencode.encode(info)).digest('hex'),
    files,
    sizeBytes: all.length,
  };
}

/** Writes a multi-file torrent's content under `dir/<name>/`. */
export function writeMultiFileContent(dir: string, t: MultiFileTorrent): void {
  for (const f of t.files) {
    const file = path.join(dir, t.name, f.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, f.content);
  }
}
