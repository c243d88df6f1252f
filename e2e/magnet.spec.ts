/**
 * Magnets, end to end (issue 17): a magnet link naming a libtorrent seeder by `x.pe` is pasted
 * into the web UI (Ctrl+V, focus outside any text field). The row says "Fetching metadata ·
 * 0 peers" while the seeder is not up yet; once it is, the engine fetches the metadata from it
 * (BEP 9), the add dialog opens with the file tree, one file is left out, and the rest
 * completes with every chosen file's sha256 matching. Screens saved under docs/screenshots/.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startLibtorrent, type Libtorrent } from '../src-main/testing/ref-clients';
import { sha256File, tempDir } from '../src-main/testing/fixtures';
import { expect, test } from './fixtures';
import {
  makeMultiFileTorrent,
  screenshotBoth,
  watchConsole,
  writeMultiFileContent,
} from './helpers';

const MiB = 1024 * 1024;

test('a pasted magnet fetches its metadata from libtorrent, opens the file choice and completes', async ({
  webHost,
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-magnet');
  let seeder: Libtorrent | null = null;
  try {
    const torrent = makeMultiFileTorrent({
      name: 'Swarmscope magnet sample',
      files: [
        { path: 'episode-1.mkv', sizeBytes: 3 * MiB + 17 },
        { path: 'episode-2.mkv', sizeBytes: 2 * MiB },
        { path: 'notes/README.txt', sizeBytes: 4001 },
      ],
      pieceLength: 64 * 1024,
    });
    const seedDir = path.join(tmp, 'seed');
    const torrentPath = path.join(tmp, 'magnet.torrent');
    writeFileSync(torrentPath, torrent.bytes);
    writeMultiFileContent(seedDir, torrent);
    const seederPort = await freePort();
    const magnet =
      `magnet:?xt=urn:btih:${torrent.infoHash}&dn=${encodeURIComponent(torrent.name)}` +
      `&x.pe=127.0.0.1:${seederPort}`;

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await page.evaluate((text) => navigator.clipboard.writeText(text), magnet);
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+V');

    const row = page.locator(`tr.torrent-row[data-id="${torrent.infoHash}"]`);
    await expect(row).toHaveAttribute('data-state', 'fetching-metadata');
    await expect(row).toContainText('Swarmscope magnet sample');
    await expect(row.locator('.state-label')).toHaveText('Fetching metadata · 0 peers');
    await row.click();
    await expect(page.getByTestId('copy-magnet')).toBeVisible();
    await screenshotBoth(page, 'magnet-fetching');

    // Now the seeder comes up where the link's x.pe points.
    seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: torrentPath,
      saveDir: seedDir,
      port: seederPort,
    });
    await seeder.waitReady(30_000);

    const dialog = page.getByTestId('add-dialog');
    await expect(dialog).toBeVisible({ timeout: 45_000 });
    await expect(dialog).toContainText('Swarmscope magnet sample');
    await expect(dialog.getByLabel('Download episode-2.mkv')).toBeChecked();
    await dialog.getByLabel('Download episode-2.mkv').uncheck();
    await screenshotBoth(page, 'magnet-add-dialog');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();

    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const root = path.join(webHost.downloadDir, torrent.name);
    for (const f of torrent.files) {
      if (f.path === 'episode-2.mkv') continue;
      expect(sha256File(path.join(root, f.path)), f.path).toBe(sha(f.content));
    }
    // The file left out was not downloaded whole (at most the pieces it shares with others).
    const skipped = path.join(root, 'episode-2.mkv');
    if (existsSync(skipped)) {
      expect(sha256File(skipped)).not.toBe(sha(torrent.files[1]!.content));
    }
    // The kept .torrent: a restart does not fetch the metadata again.
    expect(existsSync(path.join(webHost.dataDir, 'torrents', `${torrent.infoHash}.torrent`))).toBe(
      true,
    );
    await screenshotBoth(page, 'magnet-complete', false);
    expect(errors).toEqual([]);
  } finally {
    await seeder?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
