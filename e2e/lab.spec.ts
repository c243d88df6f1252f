/**
 * The swarm lab from the UI, end to end (issue 19): "New lab swarm…", 4 leechers on 8 MiB,
 * watched until every leecher has verified content; the peers × pieces matrix, its hover, the
 * "every piece out" rule, and the app's own views watching the lab through the observer torrent.
 * Screenshots of each go to docs/screenshots/lab-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import { expect, repoRoot, test } from './fixtures';

const screenshots = path.join(repoRoot, 'docs', 'screenshots');

test('opens a lab from the UI, watches it complete, and removes the original seeder', async ({
  webHost,
  page,
}) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.setViewportSize({ width: 1280, height: 860 });
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
  // Slow enough to watch the app's own views while pieces flow.
  await dialog.getByLabel('Upload limit per peer (KiB/s)').fill('256');
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

  // While it runs, the app's own views watch the lab through the observer torrent.
  await view.getByRole('button', { name: 'Watch in the list' }).click();
  await page.getByRole('tab', { name: 'Peers' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('127.0.0.1', { timeout: 30_000 });
  await page.screenshot({ path: path.join(screenshots, 'lab-peers.png') });
  await page.getByRole('tab', { name: 'Pieces' }).click();
  await page.screenshot({ path: path.join(screenshots, 'lab-pieces.png') });
  await page.getByRole('tab', { name: 'Trackers' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('127.0.0.1');
  await page.screenshot({ path: path.join(screenshots, 'lab-trackers.png') });

  await expect(status).toContainText('Complete', { timeout: 120_000 });
  await expect(status).toContainText('Leechers verified 4/4');
  await expect(status).toContainText('Full distribution in');

  // The matrix: every row full, and hovering names the peer and piece.
  const matrix = page.getByTestId('lab-matrix');
  await expect(matrix).toBeVisible();
  const box = (await matrix.boundingBox())!;
  await page.mouse.move(box.x + 0.5, box.y + box.height - 6);
  await expect(page.getByTestId('lab-tooltip')).toHaveText('leecher 4 · piece 0: has it');
  await page.mouse.move(box.x + box.width - 0.5, box.y + 6);
  await expect(page.getByTestId('lab-tooltip')).toHaveText(/^seeder 1 · piece 127: has it$/);
  await page.screenshot({ path: path.join(screenshots, 'lab-matrix.png') });
  const axeView = await new AxeBuilder({ page }).include('[data-testid="lab-view"]').analyze();
  expect(
    axeView.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
  ).toEqual([]);

  // Every piece is out: the original seeder may go, and the swarm keeps every piece.
  await view.getByRole('button', { name: 'Remove original seeder' }).click();
  await expect(view.getByRole('button', { name: 'Original seeder removed' })).toBeDisabled();
  await expect(view.getByRole('listitem').first()).toContainText('removed');
  await expect(status).toContainText('Pieces out in the swarm');

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
