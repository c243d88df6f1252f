/**
 * The port mapper against in-process fake gateways on 127.0.0.1 (issue 18): UPnP IGD (SSDP,
 * description, SOAP) and PCP with NAT-PMP fallback. Maps TCP and UDP, shows the external
 * address, renews before expiry on a manual clock, deletes on close, and turns silence, garbage,
 * refusals and conflicts into a failed state with a reason, without hanging.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PortMappingState, PortMappingStatus } from '../../../src-shared/model';
import { waitFor } from '../../testing/fixtures';
import { startFakePmpGateway } from '../../testing/fake-natpmp-gateway';
import type { FakePmpGateway } from '../../testing/fake-natpmp-gateway';
import { startFakeUpnpGateway } from '../../testing/fake-upnp-gateway';
import type { FakeUpnpGateway } from '../../testing/fake-upnp-gateway';
import { ManualClock, seededRandom, systemClock } from '../time/clock';
import type { Clock } from '../time/clock';
import { PortMapper } from './port-mapper';
import type { PortMapperEnv } from './port-mapper';

const PORTS = { tcp: 46881, udp: 46882 };
/** Short timings so that silence fails in real milliseconds. */
const FAST = {
  ssdpWaitMs: 150,
  ssdpAttempts: 2,
  pcpInitialRtoMs: 40,
  pcpAttempts: 2,
  natpmpInitialRtoMs: 20,
  natpmpAttempts: 2,
  httpTimeoutMs: 1_000,
  closeWaitMs: 300,
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function mapper(
  env: Partial<PortMapperEnv>,
  clock: Clock = systemClock,
  log: string[] = [],
): PortMapper {
  const m = new PortMapper({
    clock,
    random: seededRandom(7),
    ports: { ...PORTS },
    env: { bindAddress: '127.0.0.1', ...env, timing: { ...FAST, ...(env.timing ?? {}) } },
    log: (_level, message) => log.push(message),
    changed: () => undefined,
  });
  cleanup.push(() => m.close());
  m.start();
  return m;
}

async function upnpGateway(
  opts: Parameters<typeof startFakeUpnpGateway>[0] = {},
): Promise<FakeUpnpGateway> {
  const gw = await startFakeUpnpGateway(opts);
  cleanup.push(() => gw.close());
  return gw;
}

async function pmpGateway(
  opts: Parameters<typeof startFakePmpGateway>[0] = {},
): Promise<FakePmpGateway> {
  const gw = await startFakePmpGateway(opts);
  cleanup.push(() => gw.close());
  return gw;
}

const upnpOnly = (gw: FakeUpnpGateway): Partial<PortMapperEnv> => ({
  protocols: ['upnp'],
  ssdpTarget: { address: '127.0.0.1', port: gw.ssdpPort },
});
const pmpOnly = (gw: FakePmpGateway): Partial<PortMapperEnv> => ({
  protocols: ['natpmp'],
  gateway: () => Promise.resolve({ address: '127.0.0.1', port: gw.port }),
});

const settled = (s: PortMappingState): boolean => s.state !== 'searching';
async function untilSettled(m: PortMapper, family: 'upnp' | 'natpmp'): Promise<PortMappingStatus> {
  await waitFor(
    () => settled(m.status()[family].tcp) && settled(m.status()[family].udp),
    `${family} to settle`,
    20_000,
    10,
  );
  return m.status();
}

describe('UPnP IGD against a fake gateway', () => {
  it('maps TCP and UDP, shows the external address, and deletes both on close', async () => {
    const gw = await upnpGateway();
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    for (const t of ['tcp', 'udp'] as const) {
      expect(s.upnp[t]).toMatchObject({
        state: 'mapped',
        externalAddress: '198.51.100.23',
        externalPort: PORTS[t],
        protocol: 'upnp',
      });
    }
    expect([...gw.mappings.entries()].sort()).toEqual([
      [
        `TCP:${PORTS.tcp}`,
        { internalPort: PORTS.tcp, internalClient: '127.0.0.1', leaseSec: 7200 },
      ],
      [
        `UDP:${PORTS.udp}`,
        { internalPort: PORTS.udp, internalClient: '127.0.0.1', leaseSec: 7200 },
      ],
    ]);
    const add = gw.calls.find((c) => c.action === 'AddPortMapping');
    expect(add?.args.NewPortMappingDescription).toBe('Swarmscope');
    expect(gw.searches).toContain('urn:schemas-upnp-org:service:WANIPConnection:1');
    await m.close();
    expect(gw.mappings.size).toBe(0);
    expect(gw.calls.filter((c) => c.action === 'DeletePortMapping')).toHaveLength(2);
  });

  it('renews at half the lease on a manual clock, and not before', async () => {
    const gw = await upnpGateway();
    const clock = new ManualClock();
    const m = mapper(upnpOnly(gw), clock);
    // The SSDP window runs on the manual clock: let it pass once the answer is in.
    await waitFor(() => gw.searches.length > 0, 'a search');
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(FAST.ssdpWaitMs);
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toMatchObject({ state: 'mapped', expiresAt: clock.now() + 7200_000 });
    const adds = (): number => gw.calls.filter((c) => c.action === 'AddPortMapping').length;
    expect(adds()).toBe(2);
    clock.advance(3600_000 - 1_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(adds()).toBe(2);
    clock.advance(1_000);
    await waitFor(() => adds() === 4, 'both renewals');
    expect(gw.calls.slice(-1)[0]?.args.NewExternalPort).toBe(String(PORTS.udp));
    await m.close();
    expect(gw.mappings.size).toBe(0);
    expect(clock.pending).toBe(0); // no renewal, retry or HTTP timer left behind
  });

  it('falls back to a permanent lease when the router refuses leases (725), and never renews it', async () => {
    const gw = await upnpGateway({ permanentLeasesOnly: true });
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toMatchObject({ state: 'mapped', expiresAt: null });
    expect(gw.mappings.get(`TCP:${PORTS.tcp}`)?.leaseSec).toBe(0);
  });

  it('takes another external port when ours belongs to another device (718)', async () => {
    const gw = await upnpGateway({ takenPorts: new Set([PORTS.tcp]) });
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp.state).toBe('mapped');
    const ext = s.upnp.tcp.state === 'mapped' ? s.upnp.tcp.externalPort : 0;
    expect(ext).not.toBe(PORTS.tcp);
    expect(gw.mappings.get(`TCP:${ext}`)?.internalPort).toBe(PORTS.tcp);
    expect(s.upnp.udp).toMatchObject({ state: 'mapped', externalPort: PORTS.udp });
  });

  it('gives up on a router that conflicts on every port, saying why', async () => {
    const gw = await upnpGateway({
      refuseAdd: { code: 718, description: 'ConflictInMappingEntry' },
    });
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toEqual({
      state: 'failed',
      reason: `the router refused: ConflictInMappingEntry (port ${PORTS.tcp} and 4 others are forwarded to another device)`,
    });
    expect(
      gw.calls.filter((c) => c.action === 'AddPortMapping' && c.args.NewProtocol === 'TCP'),
    ).toHaveLength(5);
  });

  it('ignores an SSDP answer whose LOCATION is on another host', async () => {
    const gw = await upnpGateway({ locationHost: '127.0.0.2' });
    const log: string[] = [];
    const m = mapper(upnpOnly(gw), systemClock, log);
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toEqual({ state: 'failed', reason: 'no UPnP gateway answered' });
    expect(gw.descriptionFetches).toBe(0);
    expect(log).toContain(
      'UPnP: ignored an SSDP answer from 127.0.0.1: URL on 127.0.0.2, not on the router 127.0.0.1',
    );
  });

  it('cuts off a description over the size cap', async () => {
    const gw = await upnpGateway({ description: 'huge' });
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toEqual({
      state: 'failed',
      reason: "the UPnP device at 127.0.0.1 is unusable: the router's answer is over the size cap",
    });
  });

  it('a silent SSDP target fails with a reason, without hanging', async () => {
    const gw = await upnpGateway({ ssdp: 'silent' });
    const m = mapper(upnpOnly(gw));
    const s = await untilSettled(m, 'upnp');
    expect(s.upnp.tcp).toEqual({ state: 'failed', reason: 'no UPnP gateway answered' });
    expect(gw.searches.length).toBe(2 * 3); // two rounds of three service types
  });

  it('garbage SSDP answers and a garbage description fail with a reason', async () => {
    const garbage = await upnpGateway({ ssdp: 'garbage' });
    const a = mapper(upnpOnly(garbage));
    expect((await untilSettled(a, 'upnp')).upnp.tcp).toEqual({
      state: 'failed',
      reason: 'no UPnP gateway answered',
    });
    const badDesc = await upnpGateway({ description: 'garbage' });
    const b = mapper(upnpOnly(badDesc));
    const s = await untilSettled(b, 'upnp');
    expect(s.upnp.tcp.state === 'failed' && s.upnp.tcp.reason).toMatch(
      /^the UPnP device at 127\.0\.0\.1 is unusable: /,
    );
    const noWan = await upnpGateway({ description: 'no-wan-service' });
    const c = mapper(upnpOnly(noWan));
    const s2 = await untilSettled(c, 'upnp');
    expect(s2.upnp.udp.state === 'failed' && s2.upnp.udp.reason).toContain(
      'has no WANIPConnection',
    );
  });
});

describe('PCP and NAT-PMP against a fake gateway', () => {
  it('maps TCP and UDP over PCP, shows the external address, and deletes both on close', async () => {
    const gw = await pmpGateway();
    const m = mapper(pmpOnly(gw));
    const s = await untilSettled(m, 'natpmp');
    for (const t of ['tcp', 'udp'] as const) {
      expect(s.natpmp[t]).toMatchObject({
        state: 'mapped',
        externalAddress: '203.0.113.7',
        externalPort: PORTS[t],
        protocol: 'pcp',
      });
    }
    expect(gw.mappings.size).toBe(2);
    expect(gw.requests.every((r) => r.protocol === 'pcp' && r.lifetimeSec === 7200)).toBe(true);
    await m.close();
    expect(gw.mappings.size).toBe(0);
    expect(gw.requests.slice(-2).map((r) => r.lifetimeSec)).toEqual([0, 0]);
  });

  it('falls back to NAT-PMP when the gateway answers UNSUPP_VERSION', async () => {
    const gw = await pmpGateway({ pcp: false, externalPortFor: (p) => p + 1000 });
    const m = mapper(pmpOnly(gw));
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.tcp).toMatchObject({
      state: 'mapped',
      externalAddress: '203.0.113.7',
      externalPort: PORTS.tcp + 1000,
      protocol: 'natpmp',
    });
    expect(s.natpmp.udp).toMatchObject({ state: 'mapped', externalPort: PORTS.udp + 1000 });
    // PCP first (retransmitted if its answer is late, as on a loaded machine), then NAT-PMP.
    const sent = gw.requests.map((r) => `${r.protocol}/${r.op}`);
    const firstPmp = sent.indexOf('natpmp/address');
    expect(firstPmp).toBeGreaterThan(0);
    expect(new Set(sent.slice(0, firstPmp))).toEqual(new Set(['pcp/map']));
    expect(sent.slice(firstPmp)).toEqual(['natpmp/address', 'natpmp/map', 'natpmp/map']);
    await m.close();
    expect(gw.mappings.size).toBe(0);
  });

  it('renews at half the granted lifetime on a manual clock', async () => {
    const gw = await pmpGateway({ grantLifetimeSec: 600 });
    const clock = new ManualClock();
    const m = mapper({ ...pmpOnly(gw), timing: { minRenewMs: 60_000 } }, clock);
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.tcp).toMatchObject({ state: 'mapped', expiresAt: clock.now() + 600_000 });
    expect(gw.requests).toHaveLength(2);
    clock.advance(299_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.requests).toHaveLength(2);
    clock.advance(1_000);
    await waitFor(() => gw.requests.length === 4, 'both renewals');
    expect(gw.requests.slice(2).every((r) => r.lifetimeSec === 7200)).toBe(true);
    await m.close();
    expect(gw.mappings.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('renews a lease granted for 2^32-1 s at half of ours, not never (nor at once)', async () => {
    const gw = await pmpGateway({ grantLifetimeSec: 0xffffffff });
    const clock = new ManualClock();
    const m = mapper(pmpOnly(gw), clock);
    await untilSettled(m, 'natpmp');
    expect(gw.requests).toHaveLength(2);
    clock.advance(3600_000 - 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.requests).toHaveLength(2);
    clock.advance(1);
    await waitFor(() => gw.requests.length === 4, 'both renewals at half our lease', 10_000);
  });

  it('a transport without a port says so instead of searching forever', async () => {
    const gw = await pmpGateway();
    const m = new PortMapper({
      clock: systemClock,
      random: seededRandom(1),
      ports: { tcp: PORTS.tcp, udp: null },
      env: { bindAddress: '127.0.0.1', timing: FAST, ...pmpOnly(gw) },
      log: () => undefined,
      changed: () => undefined,
    });
    cleanup.push(() => m.close());
    m.start();
    await waitFor(() => m.status().natpmp.tcp.state === 'mapped', 'tcp mapped');
    expect(m.status().natpmp.udp).toEqual({ state: 'failed', reason: 'no port to map' });
    expect(gw.requests.map((r) => r.transport)).toEqual(['tcp']);
  });

  it('a refusal is a failed state with the result name', async () => {
    const gw = await pmpGateway({ behaviour: { kind: 'refuse', resultCode: 2 } });
    const m = mapper(pmpOnly(gw));
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.tcp).toEqual({ state: 'failed', reason: 'the router refused: NOT_AUTHORIZED' });
  });

  it('a silent gateway fails with a reason after the bounded retries, without hanging', async () => {
    const gw = await pmpGateway({ behaviour: { kind: 'silent' } });
    const m = mapper(pmpOnly(gw));
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.tcp.state === 'failed' && s.natpmp.tcp.reason).toMatch(
      /^no NAT-PMP or PCP gateway answered/,
    );
    // Two PCP tries, then two NAT-PMP tries of the external address.
    expect(gw.requests.map((r) => `${r.protocol}/${r.op}`).slice(0, 4)).toEqual([
      'pcp/map',
      'pcp/map',
      'natpmp/address',
      'natpmp/address',
    ]);
  });

  it('garbage from the gateway is a failed state naming it', async () => {
    const gw = await pmpGateway({ behaviour: { kind: 'garbage' } });
    const m = mapper(pmpOnly(gw));
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.tcp.state === 'failed' && s.natpmp.tcp.reason).toMatch(
      /^the gateway answered .* with malformed data/,
    );
  });

  it('no default gateway is a failed state', async () => {
    const m = mapper({ protocols: ['natpmp'], gateway: () => Promise.resolve(null) });
    const s = await untilSettled(m, 'natpmp');
    expect(s.natpmp.udp).toEqual({ state: 'failed', reason: 'no default gateway found' });
  });

  it('close waits a bounded time for a gateway that stopped answering', async () => {
    const gw = await pmpGateway();
    const m = mapper(pmpOnly(gw));
    await untilSettled(m, 'natpmp');
    gw.options.behaviour = { kind: 'silent' };
    let closed = false;
    void m.close().then(() => (closed = true));
    await waitFor(() => closed, 'close to give up on the silent gateway', 5_000, 10);
    expect(gw.requests.slice(-1)[0]?.lifetimeSec).toBe(0);
  });
});
