/**
 * The embedded tracker from the UI, end to end (issue 6, e2e 3): Settings, enable the tracker
 * on free ports in open mode, its status shows running with announce URLs; a libtorrent seeder
 * and a libtorrent leecher announce to it, and the Tracker view shows the swarm with both.
 * Issue 21: the Tracker is a view above the list, not a modal (the list stays usable), and each
 * peer's Left, Uploaded and Downloaded say "as of" its last announce, a time that moves on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { sha256File } from '../src-main/testing/fixtures';
import { freePort, startLibtorrent, type Libtorrent } from '../src-main/testing/ref-clients';
import { expect, repoRoot, test } from './fixtures';
import { fixtureContent, makeTorrent } from './torrent-fixture';

const screenshots = path.join(repoRoot, 'docs', 'screenshots');

test('enables the embedded tracker; reference clients announce; the Tracker view shows the swarm as of each announce', async ({
  webHost,
  page,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const httpPort = await freePort();
  const udpPort = await freePort({ udp: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-tracker-e2e-'));
  const clients: Libtorrent[] = [];
  try {
    await page.goto(webHost.url);
    await expect(page.getByText('Connected')).toBeVisible();
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByTestId('settings');
    await expect(settings).toBeVisible();
    await settings.getByLabel('HTTP port').fill(String(httpPort));
    await settings.getByLabel('UDP port').fill(String(udpPort));
    await settings.getByLabel('Listen address').fill('127.0.0.1');
    await settings.getByRole('radio', { name: /Any torrent/ }).check();
    // The switch's input is visually hidden behind its track: click the label, as a user does.
    await settings.getByText('Run a tracker for my torrents').click();
    await expect(
      settings.getByRole('switch', { name: 'Run a tracker for my torrents' }),
    ).toBeChecked();
    // Like every setting, the switch acts on Save (issue 21); the status shows in the dialog.
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);
    await page.getByRole('button', { name: 'Settings' }).click();
    const status = settings.getByTestId('tracker-status');
    await expect(status).toContainText('Running');
    await expect(status).toContainText(`HTTP ${httpPort}`);
    const announce = `http://127.0.0.1:${httpPort}/announce`;
    await expect(settings.getByTestId('tracker-url').first()).toHaveValue(announce);
    await expect(settings.getByTestId('tracker-url').nth(1)).toHaveValue(
      `udp://127.0.0.1:${udpPort}/announce`,
    );

    // A torrent that lists our tracker, seeded and leeched by libtorrent (open mode: it is
    // not in our session).
    const content = fixtureContent(3 * 1024 * 1024 + 17, 21);
    const torrent = makeTorrent({ name: 'lecture-notes.pdf', content, announce });
    const torrentFile = path.join(work, 'lecture.torrent');
    fs.writeFileSync(torrentFile, torrent.bytes);
    fs.mkdirSync(path.join(work, 'seed'));
    fs.writeFileSync(path.join(work, 'seed', torrent.name), content);
    const seeder = await startLibtorrent({
      role: 'seed',
      torrentFile,
      saveDir: path.join(work, 'seed'),
    });
    clients.push(seeder);
    await seeder.waitReady(20_000);
    const leecher = await startLibtorrent({
      role: 'leech',
      torrentFile,
      saveDir: path.join(work, 'leech'),
    });
    clients.push(leecher);
    await leecher.waitDone(60_000);
    expect(sha256File(path.join(work, 'leech', torrent.name))).toBe(
      sha256File(path.join(work, 'seed', torrent.name)),
    );

    await expect(settings.getByTestId('tracker-swarms')).toHaveText('1');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshots, 'settings.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshots, 'settings-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await settings.getByRole('button', { name: /Open the tracker panel/ }).click();
    await expect(settings).toHaveCount(0);
    const view = page.getByTestId('tracker-view');
    await expect(view).toBeVisible();
    // A view, not a modal: no dialog, and the torrent list beside it still takes input.
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(view.getByRole('heading', { name: 'Tracker' })).toBeFocused();
    // Trial click: Playwright checks that nothing covers the list's own button.
    await page
      .getByRole('main')
      .getByRole('button', { name: 'Open torrent…' })
      .click({ trial: true });
    await expect(view).toContainText('open mode');
    const pick = view.getByRole('button', { name: new RegExp(torrent.infoHash.slice(0, 8)) });
    await expect(pick).toContainText('not in Swarmscope');
    // By keyboard: the swarm's button takes focus and Enter selects it.
    await pick.focus();
    await page.keyboard.press('Enter');
    await expect(pick).toHaveAttribute('aria-pressed', 'true');
    const peers = view.getByTestId('swarm-peers');
    // Both announced: the leecher re-announced as a seeder once it completed.
    await expect(peers.getByTestId('swarm-peer')).toHaveCount(2, { timeout: 15_000 });
    await expect(peers.getByTestId('swarm-summary')).toHaveText(
      '2 seeders · 0 leechers · 1 completed',
    );
    const seederRow = peers
      .getByTestId('swarm-peer')
      .filter({ hasText: `127.0.0.1:${seeder.port}` });
    const leecherRow = peers
      .getByTestId('swarm-peer')
      .filter({ hasText: `127.0.0.1:${leecher.port}` });
    await expect(leecherRow).toContainText('Completed');
    await expect(leecherRow).toContainText('libtorrent');
    await expect(seederRow).toContainText('Started');
    // Each row's figures say when they were reported, and that time moves on by itself.
    const asOf = leecherRow.locator('time');
    await expect(asOf).toHaveText(/^as of (just now|\d+ s ago)$/);
    const first = await asOf.textContent();
    await expect(asOf).not.toHaveText(first ?? '', { timeout: 10_000 });
    await expect(asOf).toHaveText(/^as of \d+ s ago$/);
    await expect(asOf).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
    await expect(peers).toContainText('they are not live');

    const axe = await new AxeBuilder({ page }).include('[data-testid="tracker-view"]').analyze();
    expect(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshots, 'tracker-view.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(screenshots, 'tracker-view-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // At 640×480 (issue 21's smallest window) the view fits: nothing scrolls sideways, and
    // the list below keeps room.
    await page.setViewportSize({ width: 640, height: 480 });
    await expect(view).toBeVisible();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await expect(leecherRow.locator('time')).toBeVisible();
    const viewBox = await view.boundingBox();
    expect(viewBox?.height ?? 480).toBeLessThan(480 * 0.6);
    await page.screenshot({ path: path.join(screenshots, 'tracker-view-640.png') });
    await page.setViewportSize({ width: 1100, height: 640 });

    // The status bar's tracker item hides and shows the view too.
    await page.getByTestId('tracker-state').click();
    await expect(view).toHaveCount(0);
    await page.getByTestId('tracker-state').click();
    await expect(view).toBeVisible();
    await page.getByRole('button', { name: 'Tracker', exact: true }).click();
    await expect(view).toHaveCount(0);

    // The setting survives a reload: the tracker is still on.
    await page.reload();
    await expect(page.getByRole('button', { name: 'Tracker', exact: true })).toHaveAttribute(
      'data-tracker',
      'running',
    );
    expect(errors).toEqual([]);
  } finally {
    for (const c of clients) await c.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
