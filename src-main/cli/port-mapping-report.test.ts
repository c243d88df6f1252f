import { describe, expect, it } from 'vitest';
import type { PortMappingStatus } from '../../src-shared/model';
import { portMappingAllowedByEnv, portMappingReporter } from './port-mapping-report';

const base: PortMappingStatus = {
  enabled: true,
  tcpPort: 6881,
  udpPort: 6881,
  upnp: { tcp: { state: 'searching' }, udp: { state: 'searching' } },
  natpmp: { tcp: { state: 'searching' }, udp: { state: 'searching' } },
};

describe('CLI port mapping line', () => {
  it('says one line, once, when the router first forwards the port', () => {
    const lines: string[] = [];
    const report = portMappingReporter((l) => lines.push(l));
    report(base);
    expect(lines).toEqual([]);
    const ok = {
      ...base,
      upnp: {
        tcp: {
          state: 'mapped',
          externalAddress: '198.51.100.23',
          externalPort: 6881,
          protocol: 'upnp',
          expiresAt: 1,
        },
        udp: { state: 'searching' },
      },
    } as PortMappingStatus;
    report(ok);
    report(ok);
    expect(lines).toEqual([
      'Port 6881 open via UPnP: Reachable at 198.51.100.23:6881 (UPnP, TCP only).',
    ]);
  });

  it('says why when every protocol gave up', () => {
    const lines: string[] = [];
    const report = portMappingReporter((l) => lines.push(l));
    const failed = { state: 'failed', reason: 'no default gateway found' } as const;
    report({
      ...base,
      upnp: { tcp: { state: 'failed', reason: 'no UPnP gateway answered' }, udp: failed },
      natpmp: { tcp: failed, udp: failed },
    });
    expect(lines).toEqual(['Port not forwarded: no UPnP or NAT-PMP gateway answered']);
  });

  it('test runners turn it off with SWARMSCOPE_NO_PORT_MAPPING=1', () => {
    expect(portMappingAllowedByEnv({})).toBe(true);
    expect(portMappingAllowedByEnv({ SWARMSCOPE_NO_PORT_MAPPING: '1' })).toBe(false);
  });
});
