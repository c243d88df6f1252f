/**
 * Alternative speed limits (issue 21): the status bar's turtle switches the engine's global
 * limits to the alternative pair and back, by mouse and by keyboard; the Settings section sets
 * the pair and a schedule, and a click while the schedule holds them on pauses the schedule.
 * The engine's limits in force are read from the host (`sync.snapshot`), not from the page.
 */
import path from 'node:path';
import { expect, test } from './fixtures';
import { dismissToasts, invokeHost, screenshotDir } from './helpers';

test('the turtle applies the alternative limits, and the schedule turns them on', async ({
  webHost,
  page,
}) => {
  const inForce = async () => (await invokeHost(webHost, 'sync.snapshot', {})).session.altSpeed;
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  await invokeHost(webHost, 'settings.set', { downloadLimitBps: 2048 * 1024 });

  // The pair, set in Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByTestId('settings');
  const section = settings.getByRole('region', { name: 'Alternative speed' });
  await section.getByLabel('Download limit').fill('50');
  await section.getByLabel('Upload limit').fill('20');
  await section.getByRole('button', { name: 'Apply alternative speed' }).click();
  await expect(section.getByRole('button', { name: 'Apply alternative speed' })).toBeDisabled();
  const saved = await invokeHost(webHost, 'settings.get', {});
  expect(saved.altDownloadLimitBps).toBe(50 * 1024);
  expect(saved.altUploadLimitBps).toBe(20 * 1024);
  await settings.getByRole('button', { name: 'Cancel' }).click();
  await expect(settings).toHaveCount(0);

  // Off: the normal limits are in force.
  const turtle = page.getByRole('button', { name: 'Alternative speed limits' });
  await expect(turtle).toHaveAttribute('aria-pressed', 'false');
  expect(await inForce()).toEqual({
    active: false,
    bySchedule: false,
    downloadLimitBps: 2048 * 1024,
    uploadLimitBps: 0,
  });

  // A click: pressed, the limits shown, and the engine's global buckets at the alt pair.
  await turtle.click();
  await expect(turtle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('alt-speed-limits')).toHaveText('↓ 50.0 KiB/s ↑ 20.0 KiB/s');
  expect(await inForce()).toEqual({
    active: true,
    bySchedule: false,
    downloadLimitBps: 50 * 1024,
    uploadLimitBps: 20 * 1024,
  });
  expect((await invokeHost(webHost, 'settings.get', {})).altSpeedEnabled).toBe(true);
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshotDir, 'alt-speed.png') });

  // By keyboard: Space releases it.
  await turtle.focus();
  await page.keyboard.press('Space');
  await expect(turtle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('alt-speed-limits')).toHaveCount(0);
  expect((await inForce())?.downloadLimitBps).toBe(2048 * 1024);

  // A schedule covering every day, all day: on by the schedule alone.
  await page.getByRole('button', { name: 'Settings' }).click();
  await section.getByText('Turn them on by schedule').click();
  await section.getByLabel('From').fill('00:00');
  await section.getByLabel('To').fill('00:00');
  for (const day of ['Saturday', 'Sunday']) await section.getByLabel(day).check();
  await expect(section).toContainText('All day, on every day');
  await section.getByRole('button', { name: 'Apply alternative speed' }).click();
  await expect(section.getByTestId('alt-speed-state')).toHaveText(/In force now, by the schedule/);
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'alt-speed-settings.png') });
  await settings.getByRole('button', { name: 'Cancel' }).click();
  await expect(turtle).toHaveAttribute('aria-pressed', 'true');
  await expect(turtle).toHaveAttribute('data-by-schedule', 'true');
  expect(await inForce()).toMatchObject({ active: true, bySchedule: true });

  // A click while the schedule holds them on turns them off and pauses the schedule.
  await turtle.click();
  await expect(turtle).toHaveAttribute('aria-pressed', 'false');
  const after = await invokeHost(webHost, 'settings.get', {});
  expect(after.altSpeedSchedule).toMatchObject({ enabled: false, from: '00:00', to: '00:00' });
  expect(after.altSpeedSchedule.days).toHaveLength(7);
  expect((await inForce())?.active).toBe(false);
});
