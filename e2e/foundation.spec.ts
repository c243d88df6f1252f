/**
 * The foundation, end to end: the built web host with the real engine, driven in Chromium.
 * The token is required, the empty state greets a newcomer, and torrents added through the UI
 * (the "Open torrent…" input and a drop on the window) are listed with their name and size.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { expect, repoRoot, test } from './fixtures';
import { fixtureContent, makeTorrent } from './torrent-fixture';

const screenshots = path.join(repoRoot, 'docs', 'screenshots');

/** Fails the test on CSP violations and other console errors: the page must be clean. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

function wsStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin } });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no answer to the upgrade'));
    }, 5000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      clearTimeout(timer);
      ws.terminate();
      resolve(101);
    });
    ws.on('error', () => undefined);
  });
}

async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const data = bytes.toString('base64');
  await page.evaluate(
    async ({ name, data }) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], name, { type: 'application/x-bittorrent' }));
      const target = document.querySelector('main') ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, dataTransfer: dt }));
      // Let React show the overlay before the drop, as a real drag would.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      if (!document.querySelector('[data-testid="drop-overlay"]')) {
        throw new Error('the drop overlay did not appear while dragging');
      }
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, dataTransfer: dt }));
    },
    { name, data },
  );
}

test('refuses requests without the token', async ({ webHost, request }) => {
  expect((await request.get(`${webHost.origin}/`)).status()).toBe(401);
  expect((await request.get(`${webHost.origin}/index.html`)).status()).toBe(401);
  expect((await request.get(`${webHost.origin}/?token=not-the-token`)).status()).toBe(403);
  const wsBase = webHost.origin.replace(/^http/, 'ws') + '/ws';
  expect(await wsStatus(wsBase, webHost.origin)).toBe(401);
  expect(await wsStatus(`${wsBase}?token=wrong`, webHost.origin)).toBe(403);
  expect(await wsStatus(`${wsBase}?token=${webHost.token}`, 'http://evil.example')).toBe(403);
  expect(await wsStatus(`${wsBase}?token=${webHost.token}`, webHost.origin)).toBe(101);
});

test('opens with the token, shows the empty state, adds torrents by input and by drop', async ({
  webHost,
  page,
}, testInfo) => {
  const errors = watchConsole(page);
  await page.goto(webHost.url);
  // The token was traded for a cookie and removed from the address bar.
  expect(page.url()).toBe(`${webHost.origin}/`);
  await expect(page.getByRole('heading', { name: 'No torrents yet' })).toBeVisible();
  await expect(page.getByText('Connected')).toBeVisible();
  await expect(page.getByTestId('listen-port')).toHaveText(/Port \d+/);
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, 'foundation-empty.png') });

  const first = makeTorrent({
    name: 'swarmscope-demo.iso',
    content: fixtureContent(5 * 1024 * 1024, 1),
  });
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'swarmscope-demo.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: first.bytes,
  });
  // The add dialog shows what the torrent holds before it starts.
  const dialog = page.getByTestId('add-dialog');
  await expect(dialog).toContainText(first.name);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  const rows = page.locator('tr.torrent-row');
  const firstRow = rows.filter({ hasText: first.name });
  await expect(firstRow).toBeVisible();
  await expect(firstRow).toContainText('5.00 MiB');
  await expect(page.getByText(`Added ${first.name}`)).toBeVisible();

  const second = makeTorrent({
    name: 'Field recordings (FLAC)',
    content: fixtureContent(700 * 1024 + 13, 2),
    pieceLength: 32 * 1024,
  });
  await dropFile(page, 'field-recordings.torrent', second.bytes);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  const secondRow = rows.filter({ hasText: second.name });
  await expect(secondRow).toBeVisible();
  await expect(secondRow).toContainText('700 KiB');
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(rows).toHaveCount(2);
  await expect(page.getByText('2 torrents')).toBeVisible();

  // A broken file is refused with a message naming the problem, and the app carries on.
  await dropFile(page, 'broken.torrent', Buffer.from('d4:infoi42ee'));
  const toast = page.locator('.toast[data-level="error"]');
  await expect(toast).toContainText('Could not add broken.torrent');
  await expect(toast).toContainText(/info/);
  await expect(rows).toHaveCount(2);

  await page.getByRole('button', { name: 'Dismiss' }).first().click();
  await page.mouse.move(0, 0);
  const light = path.join(screenshots, 'foundation-list.png');
  await page.screenshot({ path: light });
  await page.screenshot({ path: testInfo.outputPath('foundation-list.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(screenshots, 'foundation-list-dark.png') });
  await page.screenshot({ path: testInfo.outputPath('foundation-list-dark.png') });

  // The list survives a reload: it comes from the host, not from the page.
  await page.reload();
  await expect(rows).toHaveCount(2);
  expect(errors).toEqual([]);
});
