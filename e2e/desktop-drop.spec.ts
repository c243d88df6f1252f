/**
 * Desktop drop (issue 19): with the Electron preload's bridge (`window.swarmscopeDesktop`,
 * stood in for here by an init script that answers what `webUtils.getPathForFile` would), a
 * data file dropped on the window is seeded from its path on disk, not uploaded; the web host
 * without the bridge keeps uploading, and names folders back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { dropFile, watchConsole } from './helpers';
import { fixtureContent } from './torrent-fixture';

test('a data file dropped on the desktop window is seeded from its path', async ({
  webHost,
  page,
}) => {
  const errors = watchConsole(page);
  fs.mkdirSync(webHost.downloadDir, { recursive: true });
  const file = path.join(webHost.downloadDir, 'field-notes.bin');
  fs.writeFileSync(file, fixtureContent(200 * 1024 + 7, 5));
  await page.addInitScript(
    (paths: Record<string, string>) => {
      Object.defineProperty(window, 'swarmscopeDesktop', {
        value: { pathForFile: (f: File) => paths[f.name] ?? '' },
      });
    },
    { 'field-notes.bin': file },
  );
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();

  // The dropped bytes are a stand-in: what is seeded is the file at its path.
  await dropFile(
    page,
    'field-notes.bin',
    Buffer.from('not these bytes'),
    'application/octet-stream',
  );
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog.getByRole('heading', { name: 'Seed field-notes.bin' })).toBeVisible();
  await expect(dialog.getByTestId('seed-path')).toHaveText(file);
  await dialog.getByRole('button', { name: 'Create and seed' }).click();
  await expect(dialog.getByTestId('seed-result')).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Done' }).click();
  const row = page.locator('tbody tr').filter({ hasText: 'field-notes.bin' });
  await expect(row).toContainText('Seeding');
  await expect(row).toContainText('200 KiB');
  // Nothing was uploaded: no copy in the host's upload folder.
  const uploads = path.join(webHost.dataDir, 'uploads');
  expect(fs.existsSync(uploads) ? fs.readdirSync(uploads) : []).toEqual([]);
  expect(errors).toEqual([]);
});

test('the web host without the bridge still offers to upload a dropped file', async ({
  webHost,
  page,
}) => {
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  await dropFile(page, 'notes.txt', Buffer.from('hello'), 'text/plain');
  const dialog = page.getByTestId('seed-dialog');
  await expect(dialog).toContainText('notes.txt');
  await expect(dialog.getByRole('button', { name: /Upload/ })).toBeVisible();
});
