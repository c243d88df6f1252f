/**
 * Accessibility, end to end (issue 19): axe-core on every screen of the app, in the light and
 * the dark theme, fails on any serious or critical violation; and the dialogs' focus trap
 * (Tab and Shift+Tab cycle, Escape closes, focus returns to the opener).
 */
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { dismissToasts, screenshotDir, watchConsole } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

/** Violations that count: axe's serious and critical (moderate and minor are advice). */
async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  // Let transitions and the first paint of canvases settle so contrast is measured on the end state.
  await page.waitForTimeout(150);
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary ?? ''}`),
    }));
  expect(bad, `axe on ${screen}`).toEqual([]);
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByTestId('settings');
  await dialog.getByLabel('Theme').selectOption(theme);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await dismissToasts(page);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen passes axe with no serious or critical violation (${theme})`, async ({
    webHost,
    page,
  }) => {
    test.setTimeout(120_000);
    const errors = watchConsole(page);
    await page.goto(webHost.url);
    await expect(page.getByRole('heading', { name: 'No torrents yet' })).toBeVisible();
    await setTheme(page, theme);
    await expectNoSeriousViolations(page, 'the empty list');

    // The add dialog, then the list with a torrent.
    const t = makeTorrent({ name: 'a11y-check.bin', content: fixtureContent(300 * 1024, 7) });
    await page.getByTestId('open-torrent-input').setInputFiles({
      name: 'a11y-check.torrent',
      mimeType: 'application/x-bittorrent',
      buffer: t.bytes,
    });
    const add = page.getByTestId('add-dialog');
    await expect(add).toContainText(t.name);
    await expectNoSeriousViolations(page, 'the add dialog');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('tr.torrent-row').filter({ hasText: t.name });
    await expect(row).toBeVisible();
    await dismissToasts(page);
    await row.click();
    await expectNoSeriousViolations(page, 'the list with a torrent');

    // Each detail tab.
    for (const tab of ['Peers', 'Pieces', 'Trackers', 'Files', 'Seeding', 'Log']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
      await expectNoSeriousViolations(page, `the ${tab} tab`);
    }

    // Each dialog, closed with Escape.
    const dialogs: [string, () => Promise<void>][] = [
      ['the seed dialog', () => page.getByRole('button', { name: 'Seed a file…' }).click()],
      ['the magnet dialog', () => page.getByRole('button', { name: 'Add magnet…' }).click()],
      ['the settings dialog', () => page.getByRole('button', { name: 'Settings' }).click()],
      ['the set location dialog', () => page.getByTestId('set-location').click()],
      [
        'the keyboard shortcuts',
        async () => {
          await page.getByRole('button', { name: 'Settings' }).focus();
          await page.keyboard.press('?');
        },
      ],
    ];
    for (const [name, open] of dialogs) {
      await open();
      const dialog = page.getByRole('dialog').last();
      await expect(dialog).toBeVisible();
      await expectNoSeriousViolations(page, name);
      while ((await page.getByRole('dialog').count()) > 0) await page.keyboard.press('Escape');
    }

    // --- tracker view (issue 21): a view above the list, not a dialog ---
    await page.getByRole('button', { name: 'Tracker', exact: true }).click();
    await expect(page.getByTestId('tracker-view')).toBeVisible();
    await expectNoSeriousViolations(page, 'the tracker view');
    await page.getByRole('button', { name: 'Tracker', exact: true }).click();
    await expect(page.getByTestId('tracker-view')).toHaveCount(0);

    await row.click();
    await page.getByRole('button', { name: 'Remove…' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectNoSeriousViolations(page, 'the remove dialog');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Notifications: an error toast with its Details open.
    await page.getByTestId('open-torrent-input').setInputFiles({
      name: 'broken.torrent',
      mimeType: 'application/x-bittorrent',
      buffer: Buffer.from('d8:announce14:http://'),
    });
    const toast = page.locator('.toast[data-level="error"]');
    await expect(toast).toContainText('This file is damaged or is not a .torrent file.');
    await toast.getByText('Details').click();
    await expect(toast).toContainText('not a valid torrent file: bencode: string length 14');
    await expectNoSeriousViolations(page, 'an error toast with details');
    await page.screenshot({ path: path.join(screenshotDir, `a11y-error-toast-${theme}.png`) });
    expect(errors).toEqual([]);
  });
}

test('dialogs trap focus: Tab cycles, Escape closes, focus returns to the opener', async ({
  webHost,
  page,
}) => {
  await page.goto(webHost.url);
  await expect(page.getByRole('heading', { name: 'No torrents yet' })).toBeVisible();
  const opener = page.getByRole('button', { name: 'Add magnet…' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('magnet-dialog');
  await expect(dialog).toBeVisible();
  const inDialog = () =>
    page.evaluate(() => {
      const d = document.querySelector('[data-testid="magnet-dialog"]');
      return d !== null && d.contains(document.activeElement);
    });
  expect(await inDialog()).toBe(true);
  // More presses than the dialog has stops, both ways: focus never leaves it.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await inDialog()).toBe(true);
  }
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await inDialog()).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();

  // The native remove dialog too.
  const t = makeTorrent({ name: 'trap.bin', content: fixtureContent(64 * 1024, 3) });
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'trap.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: t.bytes,
  });
  await page.getByTestId('add-dialog').getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator('tr.torrent-row').filter({ hasText: t.name }).click();
  const remove = page.getByRole('button', { name: 'Remove…' });
  await remove.focus();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('dialog');
  await expect(confirm).toBeVisible();
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(remove).toBeFocused();
});
