/**
 * Per-torrent actions and the queue, end to end (issue 21), against real libtorrent peers:
 * the context menu by mouse and by Shift+F10; Add peer… connects to a libtorrent seeder; Verify
 * finds a piece damaged on disk; Move storage… moves the files and the torrent keeps seeding;
 * Reannounce now brings in a seeder the tracker learned of after our announce; three downloads
 * under a queue limit of one run one after another, the others shown as "Queued #n".
 * Screenshots: docs/screenshots/context-menu.png and queue.png.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import bencode from 'bencode';
import { startLibtorrent, type Libtorrent } from '../src-main/testing/ref-clients';
import { sha256File, tempDir } from '../src-main/testing/fixtures';
import { expect, test, type WebHostFixture } from './fixtures';
import { dismissToasts, invokeHost, screenshotDir, watchConsole } from './helpers';
import { fixtureContent, makeTorrent, type FixtureTorrent } from './torrent-fixture';

const KiB = 1024;
const pieceLength = 64 * KiB;

/** A torrent with its content written where a libtorrent seeder reads it. */
function seedContent(tmp: string, name: string, size: number, seed: number, announce?: string) {
  const content = fixtureContent(size, seed);
  const torrent = makeTorrent({ name, content, pieceLength, announce });
  const seedDir = path.join(tmp, `seed-${name}`);
  mkdirSync(seedDir, { recursive: true });
  writeFileSync(path.join(seedDir, name), content);
  const torrentPath = path.join(tmp, `${name}.torrent`);
  writeFileSync(torrentPath, torrent.bytes);
  return { torrent, content, seedDir, torrentPath };
}

async function addTorrent(host: WebHostFixture, t: FixtureTorrent): Promise<void> {
  await invokeHost(host, 'torrent.add', { torrentFile: new Uint8Array(t.bytes) });
}

test('context menu: add peer, verify a damaged piece, move storage (libtorrent seeder)', async ({
  webHost,
  page,
}) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-actions');
  let seeder: Libtorrent | null = null;
  let leecher: Libtorrent | null = null;
  try {
    const item = seedContent(tmp, 'clip.bin', 1024 * KiB, 21);
    seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: item.torrentPath,
      saveDir: item.seedDir,
    });
    await seeder.waitReady(30_000);
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addTorrent(webHost, item.torrent);
    const row = page.locator(`tr.torrent-row[data-id="${item.torrent.infoHash}"]`);
    await expect(row).toHaveAttribute('data-state', 'downloading');

    // By mouse: right-click the row.
    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Torrent actions' });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: /Pause/ })).toContainText('Space');
    // The web host has no desktop shell: no Open or Show in folder.
    await expect(menu.getByRole('menuitem', { name: 'Show in folder' })).toHaveCount(0);
    await dismissToasts(page);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'context-menu.png') });

    // Add peer… connects to the libtorrent seeder, which completes the download.
    await menu.getByRole('menuitem', { name: 'Add peer…' }).click();
    const addPeer = page.getByTestId('add-peer-dialog');
    await addPeer.getByLabel('Address and port').fill(`127.0.0.1:${seeder.port}`);
    await addPeer.getByRole('button', { name: 'Add peer' }).click();
    await expect(addPeer).toBeHidden();
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 45_000 });
    const file = path.join(webHost.downloadDir, 'clip.bin');
    expect(sha256File(file)).toBe(sha256File(path.join(item.seedDir, 'clip.bin')));

    // By keyboard: Shift+F10 on the focused row; Escape closes; focus returns to the list.
    const grid = page.getByRole('grid', { name: 'Torrents' });
    await grid.focus();
    await page.keyboard.press('Shift+F10');
    await expect(menu).toBeVisible();
    // The first enabled item takes focus (Resume is disabled on a seeding torrent).
    await expect(menu.getByRole('menuitem', { name: 'Pause' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Force start' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(grid).toBeFocused();

    // Verify finds a damaged piece. Paused first, so the count is read before a re-fetch.
    await row.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Pause' }).click();
    await expect(row).toHaveAttribute('data-state', 'paused');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, 5 * pieceLength + 10);
    closeSync(fd);
    await grid.focus();
    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('v'); // type-ahead: "Verify local data"
    await expect(menu.getByRole('menuitem', { name: 'Verify local data' })).toBeFocused();
    await page.keyboard.press('Enter');
    const summary = async () =>
      (await invokeHost(webHost, 'sync.snapshot', {})).torrents.find(
        (t) => t.id === item.torrent.infoHash,
      );
    await expect.poll(async () => (await summary())?.verifiedPieces, { timeout: 20_000 }).toBe(15);
    await expect(row).toHaveAttribute('data-state', 'paused');
    // Resume fetches the damaged piece again from the seeder.
    await row.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Resume' }).click();
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 30_000 });
    expect(sha256File(file)).toBe(sha256File(path.join(item.seedDir, 'clip.bin')));

    // Move storage… moves the file and the torrent goes on seeding from there.
    const target = path.join(tmp, 'moved');
    await row.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Move storage…' }).click();
    const move = page.getByTestId('set-location-dialog');
    await move.getByRole('textbox', { name: 'Folder' }).fill(target);
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    await expect(move).toBeHidden();
    await expect
      .poll(() => existsSync(path.join(target, 'clip.bin')), { timeout: 20_000 })
      .toBe(true);
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 30_000 });
    expect(existsSync(file)).toBe(false);
    expect(sha256File(path.join(target, 'clip.bin'))).toBe(
      sha256File(path.join(item.seedDir, 'clip.bin')),
    );
    // The toolbar's More button opens the same menu for the selection; Escape returns to it.
    const more = page.getByRole('button', { name: /^More/ });
    await row.click();
    await more.click();
    await expect(menu.getByRole('menuitem', { name: 'Reannounce now' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(more).toBeFocused();

    // It seeds from there: with the libtorrent seeder gone, a libtorrent leecher gets it all.
    await seeder.stop();
    const ourPort = (await invokeHost(webHost, 'sync.snapshot', {})).session.listenPort;
    leecher = await startLibtorrent({
      role: 'leech',
      torrentFile: item.torrentPath,
      saveDir: path.join(tmp, 'leecher'),
      peers: [{ address: '127.0.0.1', port: ourPort as number }],
    });
    await leecher.waitDone(45_000);
    expect(sha256File(path.join(tmp, 'leecher', 'clip.bin'))).toBe(
      sha256File(path.join(item.seedDir, 'clip.bin')),
    );
    expect(errors).toEqual([]);
  } finally {
    await seeder?.stop();
    await leecher?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('Reannounce now brings in a seeder the tracker learned of after our announce', async ({
  webHost,
  page,
}) => {
  test.setTimeout(120_000);
  const tmp = tempDir('swarmscope-e2e-reannounce');
  let seeder: Libtorrent | null = null;
  // A tracker that says "no peers, come back in 30 minutes", and names the libtorrent seeder
  // (to us only, so that it never dials us itself) once it has announced.
  let seederPort = 0;
  let ourAnnounces = 0;
  const tracker = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const port = Number(q.get('port'));
    const isUs = (q.get('peer_id') ?? '').startsWith('-SW');
    let peers = Buffer.alloc(0);
    if (isUs) {
      ourAnnounces++;
      if (seederPort) peers = Buffer.from([127, 0, 0, 1, seederPort >> 8, seederPort & 0xff]);
    } else if (port) seederPort = port;
    res.end(Buffer.from(bencode.encode({ interval: 1800, 'min interval': 1800, peers })));
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  try {
    const announce = `http://127.0.0.1:${(tracker.address() as { port: number }).port}/announce`;
    const item = seedContent(tmp, 'late.bin', 512 * KiB, 22, announce);
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addTorrent(webHost, item.torrent);
    const row = page.locator(`tr.torrent-row[data-id="${item.torrent.infoHash}"]`);
    await expect.poll(() => ourAnnounces, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: item.torrentPath,
      saveDir: item.seedDir,
    });
    await seeder.waitReady(30_000);
    await expect.poll(() => seederPort, { timeout: 30_000 }).toBe(seeder.port);
    await page.waitForTimeout(1_500);
    await expect(row).toHaveAttribute('data-state', 'downloading');
    await row.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Reannounce now' }).click();
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 45_000 });
    expect(ourAnnounces).toBeGreaterThanOrEqual(2);
  } finally {
    await seeder?.stop();
    await new Promise<void>((resolve) => tracker.close(() => resolve()));
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the queue runs three downloads one after another under a limit of one', async ({
  webHost,
  page,
}) => {
  test.setTimeout(150_000);
  const tmp = tempDir('swarmscope-e2e-queue');
  const seeders: Libtorrent[] = [];
  try {
    const items = [1, 2, 3].map((n) => seedContent(tmp, `part-${n}.bin`, 1536 * KiB, 30 + n));
    for (const it of items) {
      const s = await startLibtorrent({
        role: 'seed',
        torrentFile: it.torrentPath,
        saveDir: it.seedDir,
      });
      seeders.push(s);
    }
    for (const s of seeders) await s.waitReady(30_000);
    await invokeHost(webHost, 'settings.set', {
      maxActiveDownloads: 1,
      downloadLimitBps: 1024 * KiB,
    });
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    for (const [i, it] of items.entries()) {
      await addTorrent(webHost, it.torrent);
      await invokeHost(webHost, 'torrent.addPeer', {
        id: it.torrent.infoHash,
        address: '127.0.0.1',
        port: seeders[i]!.port,
      });
    }
    const rows = items.map((it) =>
      page.locator(`tr.torrent-row[data-id="${it.torrent.infoHash}"]`),
    );
    await expect(rows[1]!.locator('.col-state')).toHaveText('Queued #1');
    await expect(rows[2]!.locator('.col-state')).toHaveText('Queued #2');
    await dismissToasts(page);
    await page.screenshot({ path: path.join(screenshotDir, 'queue.png') });
    // One at a time, in order: while the first downloads, the others wait.
    await expect(rows[0]!).toHaveAttribute('data-state', 'seeding', { timeout: 45_000 });
    await expect(rows[1]!).toHaveAttribute('data-state', /downloading|seeding/);
    await expect(rows[2]!.locator('.col-state')).toHaveText(/Queued #1|Seeding/);
    await expect(rows[1]!).toHaveAttribute('data-state', 'seeding', { timeout: 45_000 });
    await expect(rows[2]!).toHaveAttribute('data-state', 'seeding', { timeout: 45_000 });
    for (const it of items)
      expect(sha256File(path.join(webHost.downloadDir, it.torrent.name))).toBe(
        sha256File(path.join(it.seedDir, it.torrent.name)),
      );
  } finally {
    for (const s of seeders) await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
