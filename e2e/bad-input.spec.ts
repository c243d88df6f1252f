/**
 * Bad input, end to end: malformed .torrent files dropped on the window are refused with an
 * error that names the file and the problem; the page throws nothing and the list carries on:
 * filter, search, sort, multi-select, keyboard pause/resume and remove all still work.
 * Saves the list and the remove dialog, light and dark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type WebHostFixture } from './fixtures';
import { dismissToasts, dropFile, invokeHost, screenshotBoth, watchConsole } from './helpers';
import { fixtureContent, makeTorrent, type FixtureTorrent } from './torrent-fixture';

const KiB = 1024;

function sample(
  name: string,
  sizeBytes: number,
  seed: number,
): FixtureTorrent & { content: Buffer } {
  const content = fixtureContent(sizeBytes, seed);
  return { ...makeTorrent({ name, content, pieceLength: 32 * KiB }), content };
}

/** A realistic list: downloading (no peers), seeding (data already there), paused. */
async function populate(webHost: WebHostFixture): Promise<FixtureTorrent[]> {
  const list = [
    sample('ubuntu-24.04.2-desktop-amd64.iso', 900 * KiB, 1),
    sample('Big Buck Bunny (1080p).mkv', 640 * KiB, 2),
    sample('debian-12.9.0-amd64-netinst.iso', 420 * KiB, 3),
    sample('Sintel — open movie soundtrack (FLAC)', 310 * KiB, 4),
    sample('archlinux-2025.01.01-x86_64.iso', 520 * KiB, 5),
    sample('wikipedia-en-abstracts.xml.gz', 270 * KiB, 6),
  ];
  // Two of them are already complete on disk: they check, then seed.
  mkdirSync(webHost.downloadDir, { recursive: true });
  for (const t of [list[2]!, list[3]!])
    writeFileSync(path.join(webHost.downloadDir, t.name), t.content);
  for (const t of list) await invokeHost(webHost, 'torrent.add', { torrentFile: t.bytes });
  await invokeHost(webHost, 'torrent.pause', { ids: [list[4]!.infoHash] });
  return list;
}

const rows = (page: Page) => page.locator('tr.torrent-row');
const row = (page: Page, t: FixtureTorrent) =>
  page.locator(`tr.torrent-row[data-id="${t.infoHash}"]`);

test('malformed torrents are refused with a readable error and the list carries on', async ({
  webHost,
  page,
}) => {
  const errors = watchConsole(page);
  const list = await populate(webHost);
  await page.goto(webHost.url);
  await expect(rows(page)).toHaveCount(list.length);
  await expect(row(page, list[2]!)).toHaveAttribute('data-state', 'seeding', { timeout: 20_000 });

  // Three kinds of broken file: a wrong type for info, a truncated file, and noise.
  const good = list[0]!.bytes;
  await dropFile(page, 'wrong-info.torrent', Buffer.from('d4:infoi42ee'));
  await dropFile(page, 'truncated.torrent', good.subarray(0, Math.floor(good.length / 2)));
  await dropFile(page, 'noise.torrent', fixtureContent(300, 99));
  const toast = (name: string) =>
    page.locator('.toast[data-level="error"]').filter({ hasText: `Could not add ${name}` });
  await expect(toast('wrong-info.torrent')).toContainText(/info/i);
  await expect(toast('truncated.torrent').locator('.toast-message')).not.toBeEmpty();
  await expect(toast('noise.torrent').locator('.toast-message')).not.toBeEmpty();
  await expect(rows(page)).toHaveCount(list.length);
  await dismissToasts(page);

  // Filters with counts, and the search box.
  const chip = (name: string) => page.getByRole('radio', { name: new RegExp(`^${name}`) });
  await expect(chip('Seeding')).toContainText('2');
  await expect(chip('Paused')).toContainText('1');
  await chip('Seeding').click();
  await expect(rows(page)).toHaveCount(2);
  await chip('All').click();
  await page.getByRole('searchbox', { name: 'Search torrents' }).fill('iso amd64');
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole('searchbox', { name: 'Search torrents' }).fill('');
  await expect(rows(page)).toHaveCount(list.length);

  // Sort by name, then the keyboard: arrows move, Space pauses and resumes.
  await page.getByRole('columnheader', { name: 'Name' }).getByRole('button').click();
  await expect(rows(page).first()).toContainText('archlinux');
  await rows(page).first().click();
  const grid = page.getByRole('grid', { name: 'Torrents' });
  await expect(grid).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const second = rows(page).nth(1);
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(second).toContainText('Big Buck Bunny');
  await page.keyboard.press(' ');
  await expect(second).toHaveAttribute('data-state', 'paused');
  await page.keyboard.press(' ');
  await expect(second).not.toHaveAttribute('data-state', 'paused');

  // Multi-select: shift-click a range, ctrl-click one more; the details follow the last click.
  await rows(page)
    .nth(3)
    .click({ modifiers: ['Shift'] });
  await expect(page.getByText('3 selected')).toBeVisible();
  await rows(page)
    .nth(5)
    .click({ modifiers: ['Control'] });
  await expect(page.getByText('4 selected')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Torrent details' })).toBeVisible();
  await screenshotBoth(page, 'list');

  // Remove asks, and "keep data" is the default.
  await page.keyboard.press('Delete');
  const dialog = page.getByRole('dialog', { name: /Remove 4 torrents/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Remove, keep data' })).toBeFocused();
  await screenshotBoth(page, 'remove-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(rows(page)).toHaveCount(list.length);
  await page.keyboard.press('Control+a');
  await expect(page.getByText(`${list.length} selected`)).toBeVisible();
  await page.getByRole('button', { name: 'Remove…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove, keep data' }).click();
  await expect(page.getByRole('heading', { name: 'No torrents yet' })).toBeVisible();

  expect(errors).toEqual([]);
});
