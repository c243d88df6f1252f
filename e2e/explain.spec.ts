/**
 * The explainer end to end (issue 19, issue 21): a libtorrent seeder found through opentracker,
 * a download limit that binds. The torrent row names the limit; the Peers tab's Why column says
 * why we choke the seeder (it is a seed) and that it sends to us; its button opens the peer
 * detail with both sides, by keyboard too. When the seeder goes, the detail says so, and after
 * 30 s with no data the torrent is Stalled with its reason. Screens go to
 * docs/screenshots/explainer-*.png.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  freePort,
  startLibtorrent,
  startOpentracker,
  type Libtorrent,
  type Opentracker,
} from '../src-main/testing/ref-clients';
import AxeBuilder from '@axe-core/playwright';
import { tempDir } from '../src-main/testing/fixtures';
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
/** Far below what loopback moves: the limit binds, and the download outlasts the test. */
const limitBps = 128 * 1024;

test('explains each peer and why the torrent is slow or stalled', async ({ webHost, page }) => {
  test.setTimeout(150_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-explain');
  let tracker: Opentracker | null = null;
  let seeder: Libtorrent | null = null;
  try {
    const trackerPort = await freePort({ udp: true });
    const torrent = makeMultiFileTorrent({
      name: 'Explainer sample',
      files: [{ path: 'data.bin', sizeBytes: 24 * MiB }],
      pieceLength: 64 * 1024,
      announce: `http://127.0.0.1:${trackerPort}/announce`,
    });
    const seedDir = path.join(tmp, 'seed');
    const torrentPath = path.join(tmp, 'explain.torrent');
    writeFileSync(torrentPath, torrent.bytes);
    writeMultiFileContent(seedDir, torrent);
    tracker = await startOpentracker({ infoHashes: [torrent.infoHash], port: trackerPort });
    seeder = await startLibtorrent({ role: 'seed', torrentFile: torrentPath, saveDir: seedDir });
    await seeder.waitReady(30_000);
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: limitBps });

    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addByDrop(page, 'explain.torrent', torrent.bytes, torrent.infoHash);
    const row = page.locator(`tr.torrent-row[data-id="${torrent.infoHash}"]`);
    await row.click();

    // The row says why it is slow: the limit binds.
    await expect(row.locator('.diagnosis-line')).toContainText(
      'Slow: download limit 128 KiB/s is binding',
      { timeout: 45_000 },
    );

    // The Why column: we choke the seeder (a seed needs nothing), and it sends to us.
    const peers = page.getByRole('table', { name: 'Peers' });
    await expect(peers.getByRole('columnheader', { name: 'Why' })).toBeVisible();
    const seedRow = peers.getByRole('row').filter({ hasText: 'libtorrent' });
    const why = seedRow.locator('.peer-why-button');
    await expect(why).toHaveText('Choked: it is a seed · it sends', { timeout: 20_000 });
    await expect(why).toHaveAttribute('title', /We choke it: it is a seed .* It unchokes us/);
    await screenshotBoth(page, 'explainer-peers');

    // By keyboard: Enter opens the detail, focus goes to its heading; Escape returns it.
    await why.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: /^127\.0\.0\.1:\d+$/ });
    await expect(detail).toBeVisible();
    await expect(detail.getByRole('heading', { level: 3 })).toBeFocused();
    await expect(detail.getByRole('heading', { name: 'We choke it' })).toBeVisible();
    await expect(detail.getByRole('heading', { name: 'It unchokes us' })).toBeVisible();
    await expect(detail).toContainText('We choke it: it is a seed and needs nothing from us.');
    await expect(detail.getByRole('definition').first()).toBeVisible();
    const needed = detail.locator('.peer-detail-row', { hasText: 'Pieces it has that we need' });
    await expect(needed.locator('dd')).toHaveText(/^[1-9][\d,]*$/);
    await screenshotBoth(page, 'explainer-peer-detail');
    // No serious or critical accessibility fault in the Peers tab with the detail open.
    const axe = await new AxeBuilder({ page }).include('.peers-tab').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(detail).toBeHidden();
    await expect(why).toBeFocused();

    // The seeder goes: the open detail says it is disconnected, and with nothing coming for
    // 30 s the torrent is Stalled, with the reason.
    await why.click();
    await expect(detail).toBeVisible();
    await seeder.stop();
    seeder = null;
    // With the reason it closed, in words and as the engine's code.
    await expect(detail.getByRole('status')).toHaveText(/^Disconnected: .+ \([a-z-]+.*\)\.$/, {
      timeout: 30_000,
    });
    await expect(row).toHaveAttribute('data-state', 'stalled', { timeout: 45_000 });
    // The seeder's address now refuses: that is the reason (or its redial is still waiting).
    await expect(row.locator('.diagnosis-line')).toContainText(
      /^Stalled \d+s: (connections failed: \d+ refused|dialling 1 address)/,
    );
    await expect(row.locator('.state-label')).toHaveText('Stalled');
    await expect(page.locator('.detail-header .diagnosis-line')).toContainText('Stalled');
    await screenshotBoth(page, 'explainer-stalled');
    expect(errors).toEqual([]);
  } finally {
    await seeder?.stop();
    await tracker?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
