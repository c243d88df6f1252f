/**
 * "Add all" (issue 21): dropping several torrents asks once, not once per torrent.
 */
import { expect, test } from './fixtures';
import { dropFile } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

test('several dropped torrents are added with one click on "Add all"', async ({
  webHost,
  page,
}) => {
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  const names = ['first-of-three.bin', 'second-of-three.bin', 'third-of-three.bin'];
  for (const [i, name] of names.entries()) {
    const t = makeTorrent({ name, content: fixtureContent(64 * 1024 + i, 20 + i) });
    await dropFile(page, `${name}.torrent`, t.bytes);
    await expect(page.getByTestId('add-dialog')).toBeVisible();
  }
  const dialog = page.getByTestId('add-dialog');
  await expect(dialog).toContainText('1 of 3 to add');
  await dialog.getByRole('button', { name: 'Add all 3' }).click();
  await expect(dialog).toHaveCount(0);
  for (const name of names) {
    await expect(page.locator('tr.torrent-row').filter({ hasText: name })).toBeVisible();
  }
});
