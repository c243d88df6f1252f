/**
 * Labels (issue 21): "Label…" on the selection sets one, the toolbar's label filter shows that
 * label's torrents alone, and the label is kept with the torrent by the host. The add dialog's
 * folder follows the label's folder from Settings.
 */
import path from 'node:path';
import { expect, test } from './fixtures';
import { dismissToasts, dropFile, invokeHost, screenshotDir } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

test('a label set from the list filters the list', async ({ webHost, page }) => {
  const a = makeTorrent({ name: 'ubuntu.iso', content: fixtureContent(64 * 1024, 1) });
  const b = makeTorrent({ name: 'novel.epub', content: fixtureContent(64 * 1024, 2) });
  for (const t of [a, b])
    await invokeHost(webHost, 'torrent.add', { torrentFile: t.bytes, paused: true });
  await page.goto(webHost.url);
  const rows = page.locator('tr.torrent-row');
  await expect(rows).toHaveCount(2);
  // No label anywhere yet: no filter to clutter the toolbar.
  await expect(page.getByRole('combobox', { name: 'Filter by label' })).toHaveCount(0);

  await rows.filter({ hasText: 'ubuntu.iso' }).click();
  await page.getByRole('button', { name: 'Label…' }).click();
  const dialog = page.getByTestId('label-dialog');
  await dialog.getByLabel('Label').fill('  Linux   ISOs ');
  await dialog.getByRole('button', { name: 'Set label' }).click();
  await expect(dialog).toHaveCount(0);

  const filter = page.getByRole('combobox', { name: 'Filter by label' });
  await expect(filter).toBeVisible();
  await filter.selectOption({ label: 'Linux ISOs (1)' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('ubuntu.iso');
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshotDir, 'labels.png') });
  await filter.selectOption({ label: 'No label' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('novel.epub');
  await filter.selectOption({ label: 'All labels' });
  await expect(rows).toHaveCount(2);
  await dismissToasts(page);

  const snapshot = await invokeHost(webHost, 'sync.snapshot', {});
  const labels = Object.fromEntries(snapshot.torrents.map((t) => [t.name, t.label ?? null]));
  expect(labels).toEqual({ 'ubuntu.iso': 'Linux ISOs', 'novel.epub': null });
});

test("the add dialog saves to the chosen label's folder", async ({ webHost, page }) => {
  const folder = path.join(webHost.downloadDir, 'films');
  const t = makeTorrent({ name: 'film.mkv', content: fixtureContent(64 * 1024, 3) });
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  // The label's folder, set in Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const labels = page.getByTestId('settings').getByRole('region', { name: 'Labels' });
  await labels.getByRole('button', { name: 'Add a label folder' }).click();
  await labels.getByLabel('Label name').fill('Films');
  await labels.getByLabel('Label folder').fill(folder);
  await labels.getByRole('button', { name: 'Apply label folders' }).click();
  await expect(labels.getByRole('button', { name: 'Apply label folders' })).toBeDisabled();
  expect((await invokeHost(webHost, 'settings.get', {})).labelSavePaths).toEqual({ Films: folder });
  await page.getByTestId('settings').getByRole('button', { name: 'Cancel' }).click();
  await dismissToasts(page);
  await dropFile(page, 'film.torrent', t.bytes);
  const dialog = page.getByTestId('add-dialog');
  const saveTo = dialog.getByLabel('Save to');
  await expect(saveTo).toHaveValue(webHost.downloadDir);
  await dialog.getByLabel('Label').fill('Films');
  await expect(saveTo).toHaveValue(folder);
  await dialog.getByLabel('Label').fill('');
  await expect(saveTo).toHaveValue(webHost.downloadDir);
  await dialog.getByLabel('Label').fill('Films');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator(`tr.torrent-row[data-id="${t.infoHash}"]`)).toBeVisible();
  const added = (await invokeHost(webHost, 'sync.snapshot', {})).torrents.find(
    (x) => x.id === t.infoHash,
  );
  expect(added).toMatchObject({ label: 'Films', savePath: folder });
});
