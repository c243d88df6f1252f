/**
 * The Timeline tab (issue 19), end to end: a libtorrent seeder found through opentracker, a
 * throttled download, and the tab's lane for the seeder with its handshake, unchoke and piece
 * runs. The keyboard walks the lane's events to a piece run; the pointer hovers that run (the
 * tooltip names the piece) and clicks it, and the Pieces tab opens with that piece selected on the
 * map. Screens saved as docs/screenshots/timeline*.png.
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
import { tempDir } from '../src-main/testing/fixtures';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import {
  addByDrop,
  invokeHost,
  makeMultiFileTorrent,
  screenshotBoth,
  screenshotDir,
  watchConsole,
  writeMultiFileContent,
} from './helpers';

const MiB = 1024 * 1024;
const pieceLength = 64 * 1024;
/** Slow enough that the download lasts several seconds of timeline. */
const throttleBps = 1 * MiB;

test('the Timeline tab shows a libtorrent seeder lane; a piece run selects its piece', async ({
  webHost,
  page,
}) => {
  test.setTimeout(150_000);
  const errors = watchConsole(page);
  const tmp = tempDir('swarmscope-e2e-timeline');
  let tracker: Opentracker | null = null;
  let seeder: Libtorrent | null = null;
  try {
    const trackerPort = await freePort({ udp: true });
    const torrent = makeMultiFileTorrent({
      name: 'Timeline sample',
      files: [{ path: 'data.bin', sizeBytes: 8 * MiB }],
      pieceLength,
      announce: `http://127.0.0.1:${trackerPort}/announce`,
    });
    const seedDir = path.join(tmp, 'seed');
    const torrentPath = path.join(tmp, 'timeline.torrent');
    writeFileSync(torrentPath, torrent.bytes);
    writeMultiFileContent(seedDir, torrent);
    tracker = await startOpentracker({ infoHashes: [torrent.infoHash], port: trackerPort });
    seeder = await startLibtorrent({ role: 'seed', torrentFile: torrentPath, saveDir: seedDir });
    await seeder.waitReady(30_000);
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: throttleBps });

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(webHost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await addByDrop(page, 'timeline.torrent', torrent.bytes, torrent.infoHash);
    const row = page.locator(`tr.torrent-row[data-id="${torrent.infoHash}"]`);
    await row.click();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const canvas = page.getByRole('application', { name: /Timeline of \d+ peers/ });
    await expect(canvas).toBeVisible();
    // The seeder's lane (our own address may show too: the tracker hands it back to us, and
    // those lanes end in 'self-connection').
    await expect(page.getByTestId('timeline-summary')).toContainText(/[1-9]\d* peers?/, {
      timeout: 45_000,
    });
    await page.waitForTimeout(3_000);

    // Stop following so the view holds still, zoom in to a few seconds across, then walk the
    // lanes and the seeder's events by keyboard.
    await page.getByRole('button', { name: 'Follow now' }).click();
    await expect(page.getByRole('button', { name: 'Follow now' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await canvas.focus();
    for (let i = 0; i < 6; i++) await page.keyboard.press('+');
    const tooltip = page.getByTestId('timeline-tooltip');
    let onSeeder = false;
    for (let i = 0; i < 20 && !onSeeder; i++) {
      await page.keyboard.press('ArrowDown');
      onSeeder = ((await tooltip.textContent()) ?? '').includes('libtorrent');
    }
    expect(onSeeder).toBe(true);
    const seen: string[] = [];
    let runTitle: string | null = null;
    for (let i = 0; i < 40 && runTitle === null; i++) {
      await page.keyboard.press(']');
      const title = (await tooltip.locator('.timeline-tooltip-title').textContent()) ?? '';
      seen.push(title);
      // The second run, clear of the markers at the lane's start.
      if (/^Piece \d+/.test(title) && seen.filter((t) => t.startsWith('Piece')).length === 2)
        runTitle = title;
    }
    expect(seen[0]).toMatch(/^Connected/);
    expect(seen).toContain('Handshake done');
    expect(seen).toContain('It unchokes us');
    expect(runTitle, `events seen: ${seen.join(', ')}`).not.toBeNull();
    const piece = Number(/^Piece (\d+)/.exec(runTitle!)![1]);
    await expect(page.getByTestId('timeline-live')).toContainText(`Piece ${piece}`);
    await page.screenshot({ path: path.join(screenshotDir, 'timeline-keyboard.png') });

    // The pointer on the same run: the tooltip names the piece.
    const fx = Number(await canvas.getAttribute('data-focus-x'));
    const fy = Number(await canvas.getAttribute('data-focus-y'));
    const box = (await canvas.boundingBox())!;
    await page.keyboard.press('Escape');
    await page.mouse.move(box.x + fx, box.y + fy);
    await expect(tooltip).toContainText(`Piece ${piece}`);
    await expect(tooltip).toContainText('received');
    await page.screenshot({ path: path.join(screenshotDir, 'timeline-hover.png') });

    // Zoom and pan by the buttons and keys keep it working.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom out' }).click();

    // A click on the run: the Pieces tab, with that piece selected on the map.
    await page.mouse.move(box.x + fx, box.y + fy);
    await expect(tooltip).toContainText(`Piece ${piece}`);
    await page.mouse.click(box.x + fx, box.y + fy);
    await expect(page.getByRole('tab', { name: 'Pieces' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByTestId('piece-selected')).toContainText(`Piece ${piece} selected`);
    await expect(page.getByTestId('piece-map-selected')).toHaveAttribute(
      'data-piece',
      String(piece),
    );
    await screenshotBoth(page, 'timeline-piece-selected', false);

    // Back on the Timeline, following now, for the record (light and dark).
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await invokeHost(webHost, 'settings.set', { downloadLimitBps: 0 });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    await page.waitForTimeout(1_000);
    await screenshotBoth(page, 'timeline');
    // Accessibility of the tab (axe-core): no serious or critical violation.
    const axe = await new AxeBuilder({ page }).include('.timeline-tab').analyze();
    expect(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join(' | ')}`),
    ).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await seeder?.stop();
    await tracker?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
