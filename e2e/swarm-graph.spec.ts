/**
 * The Swarm tab and piece origins, end to end (issue 19): two libtorrent seeders share
 * generated content; the real engine behind the web host downloads it
 * (throttled, so bytes are still flowing while we look) while a libtorrent leecher that knows
 * only us downloads from us. The Swarm tab shows the peers grouped by client, the tracker, and flowing
 * edges; its node list is walked by keyboard. The Pieces tab's "Colour by origin" mode names the
 * seeders that delivered the pieces. Screens are saved under docs/screenshots/.
 */
import { rmSync, writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import path from 'node:path';
import {
  freePort,
  startLibtorrent,
  startOpentracker,
  type Libtorrent,
  type Opentracker,
} from '../src-main/testing/ref-clients';
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
/** Slow enough that the graph is seen with bytes flowing. */
const throttleBps = 1 * MiB;

test('the Swarm tab draws the swarm and the Pieces tab colours pieces by origin', async ({
  webHost,
  page,
}) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-swarm-graph');
  let tracker: Opentracker | null = null;
  const seeders: Libtorrent[] = [];
  let leecher: Libtorrent | null = null;
  try {
    const trackerPort = await freePort({ udp: true });
    const torrent = makeMultiFileTorrent({
      name: 'Swarm sample',
      files: [
        { path: 'data/part-1.bin', sizeBytes: 14 * MiB },
        { path: 'data/part-2.bin', sizeBytes: 10 * MiB },
      ],
      pieceLength: 64 * 1024,
      announce: `http://127.0.0.1:${trackerPort}/announce`,
    });
    const pieceCount = (24 * MiB) / (64 * 1024);
    const torrentPath = path.join(tmp, 'swarm.torrent');
    writeFileSync(torrentPath, torrent.bytes);
    tracker = await startOpentracker({ infoHashes: [torrent.infoHash], port: trackerPort });
    for (let i = 0; i < 2; i++) {
      const seedDir = path.join(tmp, `seed-${i}`);
      writeMultiFileContent(seedDir, torrent);
      const s = await startLibtorrent({ role: 'seed', torrentFile: torrentPath, saveDir: seedDir });
      seeders.push(s);
      await s.waitReady(30_000);
    }
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: throttleBps });

    await page.setViewportSize({ width: 1400, height: 1000 });
    // A taller details panel, as a user would drag the splitter, so the graph has room.
    await page.addInitScript(() => localStorage.setItem('swarmscope.detailHeightPx', '600'));
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addByDrop(page, 'swarm.torrent', torrent.bytes, torrent.infoHash);
    const row = page.locator(`tr.torrent-row[data-id="${torrent.infoHash}"]`);
    await row.click();
    // A libtorrent leecher that knows only us (its copy of the .torrent announces nowhere; the
    // info dict, so the info-hash, is the same), so we upload while we download.
    const lonely = makeMultiFileTorrent({
      name: 'Swarm sample',
      files: torrent.files.map((f) => ({ path: f.path, sizeBytes: f.content.length })),
      pieceLength: 64 * 1024,
      announce: 'http://127.0.0.1:9/announce',
    });
    expect(lonely.infoHash).toBe(torrent.infoHash);
    const lonelyPath = path.join(tmp, 'lonely.torrent');
    writeFileSync(lonelyPath, lonely.bytes);
    const listenPort = Number(
      (await page.getByTestId('listen-port').textContent())?.replace(/\D/g, ''),
    );
    leecher = await startLibtorrent({
      role: 'leech',
      torrentFile: lonelyPath,
      saveDir: path.join(tmp, 'leech'),
      peers: [{ address: '127.0.0.1', port: listenPort }],
    });

    // The Swarm tab: us, the seeders and the leecher grouped by client, the tracker, bytes flowing.
    await page.getByRole('tab', { name: 'Swarm' }).click();
    await expect(page.getByTestId('swarm-graph-canvas')).toBeVisible();
    const legend = page.getByRole('list', { name: 'Swarm graph legend' });
    await expect(legend.locator('[data-client-group^="libtorrent"]')).toBeVisible({
      timeout: 45_000,
    });
    const summary = page.getByTestId('swarm-summary');
    await expect(summary).toContainText(/1 tracker \(1 working\)/, { timeout: 45_000 });
    await expect(summary).toContainText(/downloading from [1-9]/);
    await expect(summary).toContainText(/uploading to [1-9]/, { timeout: 30_000 });
    await expect(page.getByTestId('swarm-graph-canvas')).toHaveAttribute(
      'aria-label',
      /Swarm graph: \d+ peers from /,
    );
    // The canvas really drew: some pixels differ from the background.
    const inked = await page.getByTestId('swarm-graph-canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0]) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);

    // Keyboard: the node list is walked with Tab, and the focused node is described.
    const nodes = page.getByRole('list', { name: 'Nodes of the swarm graph' }).getByRole('button');
    await expect(nodes.filter({ hasText: 'libtorrent' })).not.toHaveCount(0);
    await nodes.first().focus();
    await expect(page.getByTestId('swarm-graph-detail')).toContainText('This client');
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('swarm-graph-detail')).not.toContainText('This client');
    await page.waitForTimeout(1000);
    await nodes.filter({ hasText: 'libtorrent' }).first().focus();
    await screenshotBoth(page, 'swarm-graph');
    await expectNoSeriousAxeViolations(page, '.swarm-tab');

    // Lift the limit, let it finish, then colour the pieces by who delivered them.
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: 0 });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 90_000 });
    await page.getByRole('tab', { name: 'Pieces' }).click();
    await expect(page.getByTestId('piece-have')).toHaveText(String(pieceCount));
    await page.getByLabel('Colour by origin').check();
    const origins = page.getByRole('list', { name: 'Who delivered the verified pieces' });
    await expect(
      origins
        .getByRole('listitem')
        .filter({ hasText: /libtorrent|Transmission/ })
        .first(),
    ).toBeVisible();
    // Every piece came from a peer: the counts of the rows add up to all of them.
    const counts = await origins.locator('.piece-map-legend-count').allTextContents();
    expect(counts.map((c) => Number(c.replace(/,/g, ''))).reduce((a, b) => a + b, 0)).toBe(
      pieceCount,
    );
    await expect(origins).not.toContainText('From disk');
    await screenshotBoth(page, 'pieces-origin');
    await expectNoSeriousAxeViolations(page, '.pieces-tab');
    // The availability overlay and the origin mode exclude each other.
    await page.getByLabel('Availability overlay').check();
    await expect(page.getByLabel('Colour by origin')).not.toBeChecked();

    expect(errors).toEqual([]);
  } finally {
    await leecher?.stop();
    for (const s of seeders) await s.stop();
    await tracker?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** axe-core on one part of the screen: no serious or critical violations. */
async function expectNoSeriousAxeViolations(page: Page, selector: string): Promise<void> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}
