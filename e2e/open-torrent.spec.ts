/**
 * One file picker on the web host (issue 21): "Open torrent…" and "Seed a file…" both open the
 * host's file browser. A .torrent picked there is read on the host and added; other files are
 * dimmed and cannot be chosen; "From this computer…" still offers the browser's own picker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { dismissToasts } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

test('Open torrent… and Seed a file… use the same host file browser', async ({ webHost, page }) => {
  const t = makeTorrent({ name: 'picked-on-host.bin', content: fixtureContent(64 * 1024, 5) });
  fs.mkdirSync(webHost.downloadDir, { recursive: true });
  fs.writeFileSync(path.join(webHost.downloadDir, 'picked.torrent'), t.bytes);
  fs.writeFileSync(path.join(webHost.downloadDir, 'notes.txt'), 'not a torrent');
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();

  // Seed a file… opens the host file browser.
  await page.getByRole('button', { name: 'Seed a file…' }).click();
  const browser = page.getByTestId('file-browser');
  await expect(browser).toBeVisible();
  await browser.getByRole('button', { name: 'Cancel' }).click();
  await expect(browser).toHaveCount(0);
  await dismissToasts(page);

  // Open torrent… opens the same one, titled for the job.
  await page.getByRole('button', { name: 'Open torrent…' }).first().click();
  await expect(browser).toBeVisible();
  await expect(
    browser.getByRole('heading', { name: 'Open a .torrent file on the host' }),
  ).toBeVisible();
  await expect(browser.getByRole('button', { name: 'From this computer…' })).toBeVisible();
  // A file that is not a .torrent cannot be chosen.
  await browser.getByRole('option', { name: /notes\.txt/ }).click();
  await expect(browser.getByRole('button', { name: 'Choose file' })).toBeDisabled();
  await browser.getByRole('option', { name: /picked\.torrent/ }).click();
  await browser.getByRole('button', { name: 'Choose file' }).click();
  await expect(browser).toHaveCount(0);

  const add = page.getByTestId('add-dialog');
  await expect(add).toBeVisible();
  await expect(add).toContainText('picked-on-host.bin');
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('tr.torrent-row')).toHaveCount(1);
  await expect(page.locator('tr.torrent-row .torrent-name')).toHaveText('picked-on-host.bin');
});
