/**
 * Drop, end to end: a libtorrent seeder holds generated files (a folder, pieces straddling the
 * files) and announces to opentracker; the .torrent (announcing there too) is dropped on the
 * window; the real engine behind the web host finds the seeder through the tracker and downloads.
 * The Peers tab names the seeder's client and, its encryption forced, shows the E flag; the Pieces
 * tab counts every piece as "have", and every file's sha256 matches the source. Then a libtorrent leecher is served and the Seeding tab says so.
 * Screens of each detail tab are saved, light and dark, under docs/screenshots/.
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  freePort,
  startLibtorrent,
  startOpentracker,
  type Libtorrent,
  type Opentracker,
} from '../src-main/testing/ref-clients';
import { sha256File, tempDir } from '../src-main/testing/fixtures';
import { expect, test } from './fixtures';
import {
  addByDrop,
  invokeHost,
  makeMultiFileTorrent,
  screenshotBoth,
  watchConsole,
  writeMultiFileContent,
} from './helpers';

const MiB = 1024 * 1024;
const sizeBytes = 12 * MiB;
const pieceLength = 64 * 1024;
/** Slow enough that the Peers tab can be read while the seeder is still connected. */
const throttleBps = 1.5 * MiB;

test('downloads a dropped torrent from a libtorrent seeder found through opentracker', async ({
  webHost,
  page,
}) => {
  test.setTimeout(150_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-download');
  let tracker: Opentracker | null = null;
  let seeder: Libtorrent | null = null;
  let leecher: Libtorrent | null = null;
  try {
    const trackerPort = await freePort({ udp: true });
    const torrent = makeMultiFileTorrent({
      name: 'Swarmscope sample',
      files: [
        { path: 'video/sample.mkv', sizeBytes: 9 * MiB - 3001 },
        { path: 'video/extras/trailer.mkv', sizeBytes: 2 * MiB },
        { path: 'README.txt', sizeBytes: 3001 },
        { path: 'cover.jpg', sizeBytes: MiB },
      ],
      pieceLength,
      announce: `http://127.0.0.1:${trackerPort}/announce`,
    });
    expect(torrent.sizeBytes).toBe(sizeBytes);
    const seedDir = path.join(tmp, 'seed');
    const torrentPath = path.join(tmp, 'sample.torrent');
    writeFileSync(torrentPath, torrent.bytes);
    writeMultiFileContent(seedDir, torrent);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const expectSameFiles = (root: string) => {
      for (const f of torrent.files) {
        expect(sha256File(path.join(root, torrent.name, f.path)), f.path).toBe(sha(f.content));
      }
    };

    tracker = await startOpentracker({ infoHashes: [torrent.infoHash], port: trackerPort });
    // Encryption forced (issue 18): the Peers tab's E flag must show it.
    seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: torrentPath,
      saveDir: seedDir,
      encryption: 'forced',
    });
    await seeder.waitReady(30_000);
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: throttleBps });

    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addByDrop(page, 'sample.torrent', torrent.bytes, torrent.infoHash);
    const row = page.locator(`tr.torrent-row[data-id="${torrent.infoHash}"]`);
    await row.click();

    // Peers (the default tab): the seeder, named by its client.
    const peers = page.getByRole('table', { name: 'Peers' });
    await expect(peers.getByRole('row').filter({ hasText: 'libtorrent' })).toBeVisible({
      timeout: 45_000,
    });
    await expect(row).toHaveAttribute('data-state', 'downloading');
    // Its link is RC4 (MSE/PE): E among the flags.
    await expect(
      peers.getByRole('row').filter({ hasText: 'libtorrent' }).locator('.c-flags'),
    ).toContainText('E');
    await page.getByRole('button', { name: 'Flags legend' }).click();
    await screenshotBoth(page, 'peers');
    await page.getByRole('button', { name: 'Flags legend' }).click();

    // Pieces while downloading: the map shows have, requested and missing side by side.
    await page.getByRole('tab', { name: 'Pieces' }).click();
    const total = String(sizeBytes / pieceLength);
    await expect(page.getByTestId('piece-total')).toHaveText(total);
    await page.waitForTimeout(600);
    await screenshotBoth(page, 'pieces');
    await page.getByLabel('Availability overlay').check();
    await screenshotBoth(page, 'pieces-availability', false);
    await page.getByLabel('Availability overlay').uncheck();

    // Lift the limit and let it finish.
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: 0 });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    await expect(page.getByTestId('piece-have')).toHaveText(total);
    await expect(page.locator('[data-piece-state="have"] .piece-map-legend-count')).toHaveText(
      total,
    );
    for (const state of ['missing', 'requested', 'partial', 'verifying', 'failed']) {
      await expect(
        page.locator(`[data-piece-state="${state}"] .piece-map-legend-count`),
      ).toHaveText('0');
    }
    expectSameFiles(webHost.downloadDir);

    // The other tabs, for the record and for the screenshots.
    await page.getByRole('tab', { name: 'Trackers' }).click();
    const trackers = page.getByRole('table', { name: 'Trackers' });
    await expect(trackers).toContainText(`127.0.0.1:${trackerPort}`);
    await expect(trackers.locator('[data-tracker-state="working"]').first()).toBeVisible({
      timeout: 20_000,
    });
    await screenshotBoth(page, 'trackers');

    await page.getByRole('tab', { name: 'Files' }).click();
    const files = page.getByRole('table', { name: 'Files' });
    await expect(files.getByRole('row').filter({ hasText: 'trailer.mkv' })).toContainText('100%');
    await expect(files.getByRole('row').filter({ hasText: 'extras' })).toBeVisible();
    // Priority through the contract: the select shows what the host reports back.
    const readmePriority = page.getByLabel('Priority of README.txt');
    await readmePriority.selectOption('high');
    await expect(readmePriority).toHaveValue('high');
    await expect(page.getByLabel('Priority of Swarmscope sample')).toHaveValue('mixed');
    await page.getByRole('button', { name: 'Collapse extras' }).click();
    await expect(files.getByRole('row').filter({ hasText: 'trailer.mkv' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Expand extras' }).click();
    await screenshotBoth(page, 'files');

    // A libtorrent leecher, with only us to download from, is served (throttled, so the upload
    // chart has a few seconds of history). The Log tab is open meanwhile: it keeps the stream.
    await page.getByRole('tab', { name: 'Seeding' }).click();
    await expect(page.locator('[data-stat="served"] dd')).toHaveText('0');
    await page.getByRole('tab', { name: 'Log' }).click();
    const log = page.getByRole('table', { name: 'Protocol log' });
    await expect(log.getByRole('row').nth(1)).toBeVisible();
    await seeder.stop();
    await invokeHost(webHost, 'settings.set', { uploadLimitBps: throttleBps });
    const listenPort = Number(
      (await page.getByTestId('listen-port').textContent())?.replace(/\D/g, ''),
    );
    leecher = await startLibtorrent({
      role: 'leech',
      torrentFile: torrentPath,
      saveDir: path.join(tmp, 'leech'),
      peers: [{ address: '127.0.0.1', port: listenPort }],
    });
    await leecher.waitDone(60_000);
    expectSameFiles(path.join(tmp, 'leech'));

    await expect(log.getByRole('row').filter({ hasText: 'piece' }).first()).toBeVisible();
    // Only connection events: the leecher's handshake names its client.
    await page.getByRole('button', { name: 'Connection' }).click();
    await expect(log.getByRole('row').filter({ hasText: 'libtorrent' }).first()).toBeVisible();
    await page.getByRole('button', { name: 'Connection' }).click();
    await screenshotBoth(page, 'log');
    // Scrolling up pauses following the live end; "Jump to live" returns to it.
    await log.evaluate((el) => (el.scrollTop = 0));
    const jump = page.getByRole('button', { name: /Jump to live/ });
    await expect(jump).toBeVisible();
    await jump.click();
    await expect(jump).toHaveCount(0);
    expect(
      await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
    ).toBeLessThan(30);

    await page.getByRole('tab', { name: 'Seeding' }).click();
    await expect(page.locator('[data-stat="served"] dd')).toHaveText('1');
    await expect(page.locator('[data-stat="uploaded"] dd')).toHaveText('12.0 MiB');
    await expect(page.locator('[data-stat="ratio"] dd')).toHaveText('1.00');
    await screenshotBoth(page, 'seeding');

    expect(errors).toEqual([]);
  } finally {
    await leecher?.stop();
    await seeder?.stop();
    await tracker?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
