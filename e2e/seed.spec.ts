/**
 * Seeding from the UI, end to end (issue 6, e2e 2): the built web host with the real engine,
 * driven in Chromium, and a real libtorrent leecher on loopback.
 * - "Seed a file…" picks a file on the host through its file browser; the hashing progress
 *   shows (on a large sparse file, then cancelled), a real file is hashed and seeded, the magnet
 *   link is shown, "Save .torrent…" downloads the .torrent, a libtorrent leecher downloads the
 *   content from us (sha256 checked) and the Seeding tab shows uploaded bytes and a peer served.
 * - A dropped non-torrent file is uploaded to the host's data folder and seeded from there.
 * - The add dialog shows a multi-file torrent's tree; unchecked files are skipped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { sha256File, writeFile } from '../src-main/testing/fixtures';
import { startLibtorrent, type Libtorrent } from '../src-main/testing/ref-clients';
import { expect, repoRoot, test } from './fixtures';
import { fixtureContent } from './torrent-fixture';

const screenshots = path.join(repoRoot, 'docs', 'screenshots');

function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

async function pickOnHost(page: Page, name: string): Promise<void> {
  const browser = page.getByTestId('file-browser');
  await expect(browser).toBeVisible();
  await browser.getByRole('option', { name }).click();
  await browser.getByRole('button', { name: 'Choose file' }).click();
  await expect(browser).toHaveCount(0);
}

async function listenPort(page: Page): Promise<number> {
  const text = (await page.getByTestId('listen-port').textContent()) ?? '';
  const port = Number(/Port (\d+)/.exec(text)?.[1]);
  expect(port).toBeGreaterThan(0);
  return port;
}

test('seeds a file picked on the host; a libtorrent leecher downloads it', async ({
  webHost,
  page,
}) => {
  test.setTimeout(150_000);
  const errors = watchConsole(page);
  fs.mkdirSync(webHost.downloadDir, { recursive: true });
  // A large sparse file hashes for a few seconds without using disk: the progress is visible.
  const big = path.join(webHost.downloadDir, 'archive-2026.img');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 6 * 1024 ** 3);
  const video = path.join(webHost.downloadDir, 'holiday-video.mp4');
  writeFile(video, 24 * 1024 * 1024 + 12345, 11);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-seed-e2e-'));
  let leecher: Libtorrent | null = null;
  try {
    await page.goto(webHost.url);
    await expect(page.getByText('Connected')).toBeVisible();

    // 1. Hashing progress, then cancel.
    await page.getByRole('button', { name: 'Seed a file…' }).click();
    await pickOnHost(page, 'archive-2026.img');
    const dialog = page.getByTestId('seed-dialog');
    await expect(dialog.getByTestId('seed-path')).toHaveText(big);
    await dialog.getByRole('button', { name: 'Create and seed' }).click();
    const job = dialog.getByTestId('seed-job');
    await expect(job).toContainText('of 6.00 GiB');
    await expect(job).toContainText(/ETA/);
    await expect
      .poll(async () => Number(await job.getByRole('progressbar').getAttribute('aria-valuenow')))
      .toBeGreaterThan(2);
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'seed-progress.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(job).toContainText('Cancelled');
    await expect(dialog.getByRole('heading', { name: 'Not created' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toHaveCount(0);

    // 2. A real file: hashed, seeding, magnet link shown.
    await page.getByRole('button', { name: 'Seed a file…' }).click();
    await pickOnHost(page, 'holiday-video.mp4');
    await dialog.getByLabel('Comment').fill('Summer 2026');
    await dialog.getByRole('button', { name: 'Create and seed' }).click();
    const result = dialog.getByTestId('seed-result');
    await expect(result).toBeVisible({ timeout: 30_000 });
    await expect(dialog.getByTestId('magnet-link')).toHaveValue(
      /^magnet:\?xt=urn:btih:[0-9a-f]{40}/,
    );
    await expect(result).toContainText('seeding');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshots, 'seed-done.png') });

    const downloadPromise = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Save .torrent…' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe('holiday-video.mp4.torrent');
    const torrentFile = path.join(work, 'holiday.torrent');
    await download.saveAs(torrentFile);
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.locator('tbody tr').filter({ hasText: 'holiday-video.mp4' });
    await expect(row).toContainText('Seeding');

    // 3. A libtorrent leecher dials our listen port and downloads it.
    const port = await listenPort(page);
    leecher = await startLibtorrent({
      role: 'leech',
      torrentFile,
      saveDir: path.join(work, 'leech'),
      peers: [{ address: '127.0.0.1', port }],
    });
    await leecher.waitDone(60_000);
    expect(sha256File(path.join(work, 'leech', 'holiday-video.mp4'))).toBe(sha256File(video));

    // 4. The Seeding tab shows what we gave.
    await row.click();
    await page.getByRole('tab', { name: 'Seeding' }).click();
    await expect(page.locator('[data-stat="uploaded"] dd')).toHaveText(/MiB/, { timeout: 15_000 });
    await expect(page.locator('[data-stat="served"] dd')).toHaveText('1');
    expect(errors).toEqual([]);
  } finally {
    await leecher?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

async function dropFile(page: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  await page.evaluate(
    async ({ name, data, type }) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], name, { type }));
      const target = document.querySelector('main') ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, dataTransfer: dt }));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      if (!document.querySelector('[data-testid="drop-overlay"]')) {
        throw new Error('the drop overlay did not appear while dragging');
      }
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, dataTransfer: dt }));
    },
    { name, data: bytes.toString('base64'), type },
  );
}

test('a dropped non-torrent file is uploaded to the host and seeded', async ({ webHost, page }) => {
  const errors = watchConsole(page);
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  const content = fixtureContent(300 * 1024 + 7, 5);
  await dropFile(page, 'field-notes.txt', content, 'text/plain');
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog.getByRole('heading', { name: 'Seed field-notes.txt?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Upload and seed' }).click();
  const uploaded = path.join(webHost.dataDir, 'uploads', 'field-notes.txt');
  await expect(dialog.getByTestId('seed-path')).toHaveText(uploaded);
  expect(fs.readFileSync(uploaded).equals(content)).toBe(true);
  await dialog.getByRole('button', { name: 'Create and seed' }).click();
  await expect(dialog.getByTestId('magnet-link')).toHaveValue(/^magnet:\?xt=urn:btih:/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const row = page.locator('tbody tr').filter({ hasText: 'field-notes.txt' });
  await expect(row).toContainText('Seeding');
  await expect(row).toContainText('300 KiB');
  expect(errors).toEqual([]);
});

/** A multi-file torrent (folders, a non-ASCII name), built with the bencode package. */
function multiFileTorrent(): Buffer {
  const files = [
    { path: ['Disc 1', '01 – Overture.flac'], length: 3 * 1024 * 1024 + 5 },
    { path: ['Disc 1', '02 – Allegro.flac'], length: 2 * 1024 * 1024 },
    { path: ['Disc 2', '01 – Finale.flac'], length: 4 * 1024 * 1024 + 99 },
    { path: ['cover.jpg'], length: 180 * 1024 },
    { path: ['notes.txt'], length: 2100 },
  ];
  const total = files.reduce((n, f) => n + f.length, 0);
  const pieceLength = 256 * 1024;
  const content = fixtureContent(total, 9);
  const hashes: Buffer[] = [];
  for (let at = 0; at < total; at += pieceLength) {
    hashes.push(
      createHash('sha1')
        .update(content.subarray(at, at + pieceLength))
        .digest(),
    );
  }
  const info = {
    files,
    name: 'Symphonies (24-bit FLAC)',
    'piece length': pieceLength,
    pieces: Buffer.concat(hashes),
  };
  return Buffer.from(
    bencode.encode({ info, comment: 'Live at the old hall, 2025', 'created by': 'swarmscope e2e' }),
  );
}

test('the add dialog shows the file tree and skips unchecked files', async ({ webHost, page }) => {
  const errors = watchConsole(page);
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'symphonies.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: multiFileTorrent(),
  });
  const dialog = page.getByTestId('add-dialog');
  await expect(dialog.getByRole('heading', { name: 'Symphonies (24-bit FLAC)' })).toBeVisible();
  await expect(dialog).toContainText('5 files');
  await expect(dialog.getByLabel('Save to')).toHaveValue(webHost.downloadDir);
  await dialog.getByLabel('Download Disc 2').uncheck();
  await expect(dialog.getByLabel('Download 01 – Finale.flac')).not.toBeChecked();
  await expect(dialog).toContainText('5.18 MiB to download');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, 'add-dialog.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(screenshots, 'add-dialog-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const row = page.locator('tbody tr').filter({ hasText: 'Symphonies' });
  await expect(row).toBeVisible();

  // A broken .torrent names the problem; the app carries on.
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'broken.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: Buffer.from('d4:infoi42ee'),
  });
  await expect(page.locator('.toast[data-level="error"]')).toContainText(
    'Could not add broken.torrent',
  );
  await expect(page.getByTestId('add-dialog')).toHaveCount(0);
  expect(errors).toEqual([]);
});
