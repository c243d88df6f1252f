/**
 * The swarm lab from the UI, end to end (issue 19): "New lab swarm…", 4 leechers on 8 MiB,
 * watched until every leecher has verified content; the peers × pieces matrix, its hover, the
 * "every piece out" rule, and the app's own views watching the lab through the observer torrent.
 * Screenshots of each go to docs/screenshots/lab-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';
import { dismissToasts } from './helpers';

const screenshots = path.join(repoRoot, 'docs', 'screenshots');

/** A picture of the whole window, without toasts or a stray hover. */
async function shoot(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

test('opens a lab from the UI, watches it complete, and removes the original seeder', async ({
  webHost,
  page,
}) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();

  await page.getByRole('button', { name: 'New lab swarm…' }).click();
  const dialog = page.getByTestId('lab-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'New lab swarm' })).toBeVisible();
  // A bad count is refused in the dialog with the reason.
  await dialog.getByLabel('Leechers').fill('70');
  await dialog.getByRole('button', { name: 'Start lab' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Leechers must be a whole number from 1 to 50',
  );
  await dialog.getByLabel('Leechers').fill('4');
  await dialog.getByLabel('Content size in MiB').fill('8');
  // Slow enough to watch the app's own views while pieces flow, and to remove the original
  // seeder once every piece is out but before every leecher is done.
  await dialog.getByLabel('Upload limit per peer (KiB/s)').fill('64');
  // Focus stays inside the dialog.
  for (let i = 0; i < 20; i++) await page.keyboard.press('Tab');
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  const axeDialog = await new AxeBuilder({ page }).include('[data-testid="lab-dialog"]').analyze();
  expect(
    axeDialog.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  ).toEqual([]);
  await dialog.getByRole('button', { name: 'Start lab' }).click();

  const view = page.getByTestId('lab-view');
  await expect(view).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('list', { name: 'Lab peers' }).getByRole('listitem')).toHaveCount(5);
  const status = page.getByTestId('lab-status');
  // Too early to remove the original seeder: refused with the reason.
  await view.getByRole('button', { name: 'Remove original seeder' }).click();
  await expect(view.getByRole('alert')).toContainText(/pieces are out in the swarm|is running/);
  // Running, with the refusal shown and some buttons disabled: no serious fault either.
  const axeRunning = await new AxeBuilder({ page }).include('[data-testid="lab-view"]').analyze();
  expect(
    axeRunning.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  ).toEqual([]);

  // While it runs, the app's own views watch the lab through the observer torrent.
  await view.getByRole('button', { name: 'Watch in the list' }).click();
  // The details get the room the one-row list does not need, by keyboard on the splitter.
  const splitter = page.getByRole('separator', { name: 'Resize the details' });
  await splitter.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowUp');

  // The graph: us in the middle, the lab's peers around us, the embedded tracker, bytes flowing.
  await page.getByRole('tab', { name: 'Swarm' }).click();
  await expect(page.getByTestId('swarm-graph-canvas')).toBeVisible();
  const summary = page.getByTestId('swarm-summary');
  await expect(summary).toContainText(/1 tracker \(1 working\)/, { timeout: 30_000 });
  await expect(summary).toContainText(/downloading from [1-9]/, { timeout: 30_000 });
  // Most of the lab's peers have announced and connected: the picture shows a swarm.
  await expect(summary).toContainText(/^[3-9] peers from/, { timeout: 30_000 });
  // Let the force layout settle before the picture.
  await page.waitForTimeout(1500);
  await shoot(page, 'lab-graph');
  // The refusal from earlier follows the lab: the live count of pieces out, not the click's 0.
  await expect(view.getByRole('alert')).toContainText(/^Not yet: [1-9]\d* of 128 pieces are out/);

  // The explainer: each lab peer's row says why it is choked or not, and its detail says more.
  await page.getByRole('tab', { name: 'Peers' }).click();
  const peers = page.getByRole('table', { name: 'Peers' });
  await expect(peers.getByRole('row')).not.toHaveCount(1, { timeout: 20_000 });
  const why = peers.locator('.peer-why-button').first();
  await expect(why).toHaveText(/\S/);
  await why.click();
  const detail = page.getByRole('complementary', { name: /^127\.0\.0\.1:\d+$/ });
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { level: 3 })).toBeVisible();
  await shoot(page, 'lab-explainer');
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();

  // The timeline: one lane per lab peer.
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await expect(
    page.getByRole('application', { name: /Timeline of [1-9]\d* peers?/ }),
  ).toBeVisible();
  // A young torrent's history fills the view instead of a sliver at the end of two minutes.
  await expect(page.getByTestId('timeline-summary')).toContainText(/[1-9]\d* peers? · \d+ s shown/);
  await page.waitForTimeout(1000);
  await shoot(page, 'lab-timeline');

  await page.getByRole('tab', { name: 'Pieces' }).click();
  await shoot(page, 'lab-pieces');
  await page.getByRole('tab', { name: 'Trackers' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('127.0.0.1');
  await shoot(page, 'lab-trackers');

  // Every piece is out while leechers still download: the original seeder may go, and the
  // swarm finishes without it.
  await expect(status).toContainText('Pieces out in the swarm 128/128', { timeout: 60_000 });
  await view.getByRole('button', { name: 'Remove original seeder' }).click();
  await expect(view.getByRole('button', { name: 'Original seeder removed' })).toBeDisabled();
  await expect(view.getByRole('listitem').first()).toContainText('removed');

  await expect(status).toContainText('Complete', { timeout: 120_000 });
  await expect(status).toContainText('Leechers verified 4/4');
  await expect(status).toContainText('Full distribution in');
  await expect(status).toContainText('Pieces out in the swarm 128/128');

  // The matrix: every row full, and hovering names the peer and piece.
  const matrix = page.getByTestId('lab-matrix');
  await expect(matrix).toBeVisible();
  await dismissToasts(page);
  const box = (await matrix.boundingBox())!;
  await page.mouse.move(box.x + 0.5, box.y + box.height - 6);
  await expect(page.getByTestId('lab-tooltip')).toHaveText('leecher 4 · piece 0: has it');
  await page.mouse.move(box.x + box.width - 0.5, box.y + 6);
  await expect(page.getByTestId('lab-tooltip')).toHaveText(/^seeder 1 · piece 127: has it$/);
  // Near the last pieces the label turns to the pointer's left, inside the window.
  const tip = (await page.getByTestId('lab-tooltip').boundingBox())!;
  expect(tip.x + tip.width).toBeLessThanOrEqual(box.x + box.width);
  await page.screenshot({ path: path.join(screenshots, 'lab-matrix.png') });
  const axeView = await new AxeBuilder({ page }).include('[data-testid="lab-view"]').analyze();
  expect(
    axeView.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  ).toEqual([]);
  // The dark theme too: its colours must keep their contrast.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(screenshots, 'lab-matrix-dark.png') });
  const axeDark = await new AxeBuilder({ page }).include('[data-testid="lab-view"]').analyze();
  expect(
    axeDark.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  ).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });

  // A peer can be paused and resumed from its row.
  await view.getByRole('button', { name: 'Pause leecher 2' }).click();
  await expect(view.getByRole('button', { name: 'Resume leecher 2' })).toBeVisible();
  await view.getByRole('button', { name: 'Resume leecher 2' }).click();
  await expect(view.getByRole('button', { name: 'Pause leecher 2' })).toBeVisible();

  await view.getByRole('button', { name: 'Close lab' }).click();
  await expect(view).toBeHidden();
  await expect(page.getByRole('button', { name: 'New lab swarm…' })).toBeVisible();
  expect(errors).toEqual([]);
});
