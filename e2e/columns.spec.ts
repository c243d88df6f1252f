/**
 * Column choice (issue 21): hide and show columns from the header's menu, reorder by dragging a
 * header and by the menu's "Move left", resize by dragging a header's edge and by the arrow
 * keys, and find it all again after a reload. Screenshot: docs/screenshots/columns.png.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { dismissToasts, screenshotDir } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

const headerOrder = (page: Page) =>
  page
    .locator('.torrent-table thead th')
    .evaluateAll((ths) => ths.map((th) => (th as HTMLElement).dataset.column));

const widthOf = (page: Page, id: string) =>
  page.locator(`th[data-column="${id}"]`).evaluate((el) => el.getBoundingClientRect().width);

test('hide, reorder and resize columns; remembered after a reload', async ({ webHost, page }) => {
  await page.setViewportSize({ width: 1440, height: 800 });
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  const t = makeTorrent({
    name: 'columns-fixture.bin',
    content: fixtureContent(256 * 1024, 3),
    // Never answered: it only gives the Tracker column a host (loopback, port 1 is closed).
    announce: 'http://127.0.0.1:1/announce',
  });
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'columns.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: t.bytes,
  });
  await page.getByTestId('add-dialog').getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('tr.torrent-row')).toHaveCount(1);
  await dismissToasts(page);
  const initial = await headerOrder(page);
  expect(initial).toEqual([
    'name',
    'size',
    'progress',
    'state',
    'down',
    'up',
    'eta',
    'peers',
    'ratio',
  ]);

  // Hide Size and show Tracker from the header's menu (right-click).
  await page.locator('th[data-column="size"]').click({ button: 'right' });
  const menu = page.getByTestId('column-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitemcheckbox', { name: 'Name' })).toHaveAttribute(
    'aria-disabled',
    'true',
  );
  await menu.getByRole('menuitemcheckbox', { name: 'Size' }).click();
  await menu.getByRole('menuitemcheckbox', { name: 'Tracker' }).click();
  await expect(menu.getByRole('menuitemcheckbox', { name: 'Size' })).toHaveAttribute(
    'aria-checked',
    'false',
  );
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(page.locator('th[data-column="size"]')).toHaveCount(0);
  await expect(page.locator('td.col-size')).toHaveCount(0);
  await expect(page.locator('td.col-tracker')).toHaveText('127.0.0.1');

  // Reorder by dragging Ratio onto the left half of Progress.
  await page
    .locator('th[data-column="ratio"] button')
    .dragTo(page.locator('th[data-column="progress"]'), { targetPosition: { x: 4, y: 10 } });
  await expect
    .poll(() => headerOrder(page))
    .toEqual(['name', 'ratio', 'progress', 'state', 'down', 'up', 'eta', 'peers', 'tracker']);

  // Reorder by keyboard: Shift+F10 on ETA's resizer, then "Move “ETA” left" (type-ahead "m").
  const etaResizer = page.getByRole('separator', { name: 'Resize the ETA column' });
  await etaResizer.focus();
  await page.keyboard.press('Shift+F10');
  await expect(menu).toBeVisible();
  await page.keyboard.press('m');
  await expect(menu.getByRole('menuitem', { name: 'Move “ETA” left' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(etaResizer).toBeFocused(); // focus goes back where it was
  const order = ['name', 'ratio', 'progress', 'state', 'down', 'eta', 'up', 'peers', 'tracker'];
  await expect.poll(() => headerOrder(page)).toEqual(order);
  // The grid's keys do not act in the header: Delete on a resizer opens no remove dialog.
  await page.keyboard.press('Delete');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Resize Down by dragging its edge, and State by the arrow keys.
  const downBefore = await widthOf(page, 'down');
  const edge = await page.getByRole('separator', { name: 'Resize the Down column' }).boundingBox();
  if (!edge) throw new Error('no resizer');
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 2 + 30, edge.y + edge.height / 2, { steps: 3 });
  await page.mouse.move(edge.x + edge.width / 2 + 60, edge.y + edge.height / 2, { steps: 3 });
  await page.mouse.up();
  await expect.poll(() => widthOf(page, 'down')).toBeCloseTo(downBefore + 60, -1);
  const stateBefore = await widthOf(page, 'state');
  await page.getByRole('separator', { name: 'Resize the State column' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowLeft'); // -40
  await expect.poll(() => widthOf(page, 'state')).toBeCloseTo(stateBefore - 20, 0);
  const downAfter = await widthOf(page, 'down');
  const stateAfter = await widthOf(page, 'state');

  // Reload: all of it is remembered.
  await page.reload();
  await expect(page.locator('tr.torrent-row')).toHaveCount(1);
  await expect.poll(() => headerOrder(page)).toEqual(order);
  expect(await widthOf(page, 'down')).toBeCloseTo(downAfter, 0);
  expect(await widthOf(page, 'state')).toBeCloseTo(stateAfter, 0);
  await expect(page.locator('td.col-tracker')).toHaveText('127.0.0.1');
  // Name keeps a useful width whatever the others take.
  expect(await widthOf(page, 'name')).toBeGreaterThan(160);

  await page.locator('th[data-column="tracker"]').click({ button: 'right' });
  await expect(menu).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'columns.png') });

  // Hiding, by keyboard, the column whose resizer opened the menu: focus falls back to the grid.
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await page.getByRole('separator', { name: 'Resize the Peers / seeds column' }).focus();
  await page.keyboard.press('Shift+F10');
  await expect(menu).toBeVisible();
  await page.keyboard.press('p'); // Progress
  await page.keyboard.press('p'); // Peers / seeds
  await expect(menu.getByRole('menuitemcheckbox', { name: 'Peers / seeds' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(page.locator('th[data-column="peers"]')).toHaveCount(0);
  await expect(page.getByRole('grid', { name: 'Torrents' })).toBeFocused();

  // Reset columns brings the defaults back, and that too survives a reload.
  await page.locator('th[data-column="tracker"]').click({ button: 'right' });
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: 'Reset columns' }).click();
  await expect(menu).toBeHidden();
  await expect.poll(() => headerOrder(page)).toEqual(initial);
  await page.reload();
  await expect(page.locator('tr.torrent-row')).toHaveCount(1);
  expect(await headerOrder(page)).toEqual(initial);
});
