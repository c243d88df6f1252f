/**
 * The DHT in the app, end to end (issue 17): the status line in the status bar, and the DHT
 * section of Settings (switch and bootstrap list) applied live by the host. The host starts with
 * no bootstrap node (fixtures.ts); a tiny KRPC responder on 127.0.0.1 plays the one DHT node it
 * is then given, so the status line shows a node that really answered.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import bencode from 'bencode';
import { expect, test } from './fixtures';
import { screenshotBoth, watchConsole } from './helpers';

/** Answers every KRPC query with its id and no nodes: enough to enter a routing table. */
async function krpcResponder(): Promise<{
  port: number;
  queries: () => number;
  close(): Promise<void>;
}> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const id = randomBytes(20);
  let queries = 0;
  sock.on('message', (msg, from) => {
    let q: { t?: Uint8Array; y?: Uint8Array };
    try {
      q = bencode.decode(msg) as typeof q;
    } catch {
      return;
    }
    if (!q.t || Buffer.from(q.y ?? []).toString() !== 'q') return;
    queries++;
    const reply = bencode.encode({ t: q.t, y: 'r', r: { id, nodes: Buffer.alloc(0) } });
    sock.send(reply, from.port, from.address);
  });
  return {
    port: sock.address().port,
    queries: () => queries,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

test('the DHT status line and the Settings switch and bootstrap list', async ({
  page,
  webHost,
}) => {
  const errors = watchConsole(page);
  const node = await krpcResponder();
  try {
    await page.goto(webHost.url);
    const line = page.getByTestId('dht-status');
    await expect(line).toHaveText('DHT 0 nodes');
    await expect(line).toHaveAttribute('data-dht', 'running');

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByTestId('settings');
    const list = settings.getByLabel('Bootstrap nodes');
    await expect(list).toHaveValue('');
    await list.fill('router.example:6881\nnope');
    await settings.getByRole('button', { name: 'Apply list' }).click();
    await expect(settings.getByText('"nope" is not host:port')).toBeVisible();

    // Given one live node, the host restarts its DHT node with it: one node in the table.
    await list.fill(`127.0.0.1:${node.port}`);
    await settings.getByRole('button', { name: 'Apply list' }).click();
    await expect(line).toHaveText('DHT 1 node', { timeout: 15_000 });
    expect(node.queries()).toBeGreaterThan(0);
    await screenshotBoth(page, 'dht-settings');

    const toggle = settings.getByTestId('dht-switch');
    // Controlled by the host's answer: a click asks, the settings that come back decide.
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await expect(line).toHaveText('DHT off');
    await expect(line).toHaveAttribute('data-dht', 'off');
    await toggle.click();
    await expect(toggle).toBeChecked();
    // The table it had comes back with the node.
    await expect(line).toHaveText('DHT 1 node');
    expect(errors).toEqual([]);
  } finally {
    await node.close();
  }
});
