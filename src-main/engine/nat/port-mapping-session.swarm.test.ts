/**
 * The session's port mapping (issue 18): the listen port's TCP and the UDP port are mapped at
 * fake gateways on 127.0.0.1 when the host allows it and the setting is on; turning the setting
 * off removes them; `close()` removes them and never hangs on a gateway gone silent. Test
 * sessions never map.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PortMappingStatus } from '../../../src-shared/model';
import { waitFor } from '../../testing/fixtures';
import { startFakePmpGateway } from '../../testing/fake-natpmp-gateway';
import { startFakeUpnpGateway } from '../../testing/fake-upnp-gateway';
import { TEST_SESSION_OPTIONS } from '../../testing/swarm';
import { Session } from '../session';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function gateways() {
  const upnp = await startFakeUpnpGateway();
  const pmp = await startFakePmpGateway();
  cleanup.push(
    () => upnp.close(),
    () => pmp.close(),
  );
  const portMapping = {
    bindAddress: '127.0.0.1',
    ssdpTarget: { address: '127.0.0.1', port: upnp.ssdpPort },
    gateway: () => Promise.resolve({ address: '127.0.0.1', port: pmp.port }),
    timing: { ssdpWaitMs: 150, pcpInitialRtoMs: 50, natpmpInitialRtoMs: 20, closeWaitMs: 300 },
  };
  return { upnp, pmp, portMapping };
}

const bothMapped = (s: PortMappingStatus | undefined): boolean =>
  !!s && [s.upnp.tcp, s.upnp.udp, s.natpmp.tcp, s.natpmp.udp].every((x) => x.state === 'mapped');

describe('session port mapping', () => {
  it('maps the TCP listen port and the UDP port by UPnP and PCP, reports it, and unmaps when switched off', async () => {
    const { upnp, pmp, portMapping } = await gateways();
    const session = await Session.open({
      ...TEST_SESSION_OPTIONS,
      settings: { ...TEST_SESSION_OPTIONS.settings, portMapping: true },
      portMapping,
    });
    cleanup.push(() => session.close());
    const events: PortMappingStatus[] = [];
    session.on('port-mapping-changed', (s) => events.push(s));
    await waitFor(
      () => bothMapped(session.sessionStats().portMapping),
      'both mappings',
      20_000,
      20,
    );
    const s = session.sessionStats().portMapping!;
    expect(s).toMatchObject({
      enabled: true,
      tcpPort: session.listenPort,
      udpPort: session.udpPort,
    });
    expect(s.upnp.tcp).toMatchObject({
      externalAddress: '198.51.100.23',
      externalPort: session.listenPort,
    });
    expect(s.natpmp.udp).toMatchObject({ protocol: 'pcp', externalPort: session.udpPort });
    expect(events.length).toBeGreaterThan(0);
    expect([...upnp.mappings.keys()].sort()).toEqual([
      `TCP:${session.listenPort}`,
      `UDP:${session.udpPort}`,
    ]);
    expect([...pmp.mappings.keys()].sort()).toEqual([
      `tcp:${session.listenPort}`,
      `udp:${session.udpPort}`,
    ]);

    await session.updateSettings({ portMapping: false });
    expect(upnp.mappings.size).toBe(0);
    expect(pmp.mappings.size).toBe(0);
    expect(session.sessionStats().portMapping).toMatchObject({
      enabled: false,
      upnp: { tcp: { state: 'failed', reason: 'port mapping is off' } },
    });

    await session.updateSettings({ portMapping: true });
    await waitFor(() => bothMapped(session.sessionStats().portMapping), 'mapped again', 20_000, 20);
    await session.close();
    expect(upnp.mappings.size).toBe(0);
    expect(pmp.mappings.size).toBe(0);
  });

  it('close does not hang on gateways that went silent', async () => {
    const { upnp, pmp, portMapping } = await gateways();
    const session = await Session.open({
      ...TEST_SESSION_OPTIONS,
      settings: { ...TEST_SESSION_OPTIONS.settings, portMapping: true },
      portMapping,
    });
    await waitFor(
      () => bothMapped(session.sessionStats().portMapping),
      'both mappings',
      20_000,
      20,
    );
    pmp.options.behaviour = { kind: 'silent' };
    await upnp.close();
    let closed = false;
    void session.close().then(() => (closed = true));
    await waitFor(() => closed, 'the session to close', 10_000, 20);
  });

  it('test sessions, and hosts that do not ask for it, never map', async () => {
    const { upnp, pmp, portMapping } = await gateways();
    const a = await Session.open(TEST_SESSION_OPTIONS);
    cleanup.push(() => a.close());
    const b = await Session.open({ ...TEST_SESSION_OPTIONS, settings: { portMapping: true } });
    cleanup.push(() => b.close());
    const c = await Session.open({ ...TEST_SESSION_OPTIONS, portMapping });
    cleanup.push(() => c.close());
    await new Promise((r) => setTimeout(r, 300));
    for (const s of [a, b, c]) expect(s.sessionStats().portMapping?.enabled).toBe(false);
    expect(upnp.searches).toEqual([]);
    expect(pmp.requests).toEqual([]);
  });
});
