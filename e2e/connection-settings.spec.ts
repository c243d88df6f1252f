/**
 * The Connection section of Settings (issues 18 and 21): choose the interface and a port, Save,
 * and the session rebinds at once: the status bar and the section show the new port, peers
 * can connect to it on that interface, and the old port is closed.
 */
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../src-main/testing/ref-clients';
import { expect, test } from './fixtures';
import { dismissToasts, invokeHost, screenshotDir } from './helpers';

/** True when 127.0.0.1:port accepts a TCP connection. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('a new interface and port apply on Save and show in the status bar', async ({
  webHost,
  page,
}) => {
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  const oldPort = (await invokeHost(webHost, 'sync.snapshot', {})).session.listenPort as number;
  await expect(page.getByTestId('listen-port')).toHaveText(`Port ${oldPort}`);
  const port = await freePort({ udp: true });

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByTestId('settings');
  const section = settings.getByRole('region', { name: 'Connection' });
  await expect(section).toBeVisible();
  // The fixture starts the host with --listen-port 0: a port of its own, not the setting's.
  await expect(section.getByTestId('connection-bound-port')).toHaveText(
    `Listening on port ${oldPort} (chosen at start, not the port above)`,
  );

  // A name is refused with a reason, and nothing is saved.
  await section.getByLabel('Network interface').fill('localhost');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByText('An IPv4 or IPv6 address, or empty')).toBeVisible();
  await expect(settings).toBeVisible();

  // Random fills the port from the dynamic range.
  await section.getByRole('button', { name: 'Random' }).click();
  const picked = Number(await section.getByLabel('Port for incoming connections').inputValue());
  expect(picked).toBeGreaterThanOrEqual(49152);
  expect(picked).toBeLessThanOrEqual(65535);

  await section.getByLabel('Network interface').fill('127.0.0.1');
  await section.getByLabel('Port for incoming connections').fill(String(port));
  await expect(section.getByTestId('connection-bound-port')).toContainText('applies on Save');
  await section.getByRole('switch', { name: 'Use a random port each time the app starts' }).check();
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await settings.screenshot({ path: path.join(screenshotDir, 'settings-connection.png') });
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);

  await expect(page.getByTestId('listen-port')).toHaveText(`Port ${port}`);
  expect(await accepts(port)).toBe(true);
  expect(await accepts(oldPort)).toBe(false);
  const saved = await invokeHost(webHost, 'settings.get', {});
  expect(saved).toMatchObject({
    listenInterface: '127.0.0.1',
    listenPort: port,
    randomPortOnStart: true,
  });

  // Opened again, the section shows what runs now.
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('settings').getByTestId('connection-bound-port')).toHaveText(
    `Listening on port ${port}`,
  );
  await expect(page.getByTestId('settings').getByLabel('Network interface')).toHaveValue(
    '127.0.0.1',
  );
});
