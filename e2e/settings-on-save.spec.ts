/**
 * Settings apply on Save, all of them (issue 21): the embedded tracker's switch used to start
 * the tracker on the click itself, binding its ports before Save, though the dialog says changes
 * apply on save. Toggling it and cancelling binds nothing; toggling it and saving starts it.
 */
import net from 'node:net';
import { freePort } from '../src-main/testing/ref-clients';
import { expect, test } from './fixtures';
import { dismissToasts, invokeHost } from './helpers';

/** True when something listens on 127.0.0.1:port (the tracker's HTTP front). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('the tracker switch binds nothing until Save', async ({ webHost, page }) => {
  const httpPort = await freePort();
  const udpPort = await freePort({ udp: true });
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();

  const openSettings = async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByTestId('settings');
    await expect(settings).toBeVisible();
    return settings;
  };
  let settings = await openSettings();
  await settings.getByLabel('HTTP port').fill(String(httpPort));
  await settings.getByLabel('UDP port').fill(String(udpPort));
  await settings.getByLabel('Listen address').fill('127.0.0.1');
  await settings.getByText('Run a tracker for my torrents').click();
  const toggle = settings.getByRole('switch', { name: 'Run a tracker for my torrents' });
  await expect(toggle).toBeChecked();
  // Give a wrongly eager switch time to act; then nothing may be running or bound.
  await page.waitForTimeout(1000);
  expect((await invokeHost(webHost, 'tracker.status', {})).running).toBe(false);
  expect(await listening(httpPort)).toBe(false);
  await expect(settings.getByTestId('tracker-pending')).toHaveText(/Starts when you save/);
  await settings.getByRole('button', { name: 'Cancel' }).click();
  await expect(settings).toHaveCount(0);
  expect((await invokeHost(webHost, 'tracker.status', {})).running).toBe(false);
  expect((await invokeHost(webHost, 'settings.get', {})).tracker.enabled).toBe(false);

  // Cancel threw the change away; this time Save starts it on the ports the form names.
  settings = await openSettings();
  await expect(
    settings.getByRole('switch', { name: 'Run a tracker for my torrents' }),
  ).not.toBeChecked();
  await settings.getByLabel('HTTP port').fill(String(httpPort));
  await settings.getByLabel('UDP port').fill(String(udpPort));
  await settings.getByLabel('Listen address').fill('127.0.0.1');
  await settings.getByText('Run a tracker for my torrents').click();
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);
  const stats = await invokeHost(webHost, 'tracker.status', {});
  expect(stats.running).toBe(true);
  expect(stats.httpPort).toBe(httpPort);
  expect(await listening(httpPort)).toBe(true);
  await dismissToasts(page);

  // And switching it off is a change like any other: Save stops it.
  settings = await openSettings();
  await expect(settings.getByTestId('tracker-status')).toContainText('Running');
  await settings.getByText('Run a tracker for my torrents').click();
  await expect(settings.getByTestId('tracker-pending')).toHaveText(/Stops when you save/);
  expect((await invokeHost(webHost, 'tracker.status', {})).running).toBe(true);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);
  expect((await invokeHost(webHost, 'tracker.status', {})).running).toBe(false);
});
