import { describe, expect, it } from 'vitest';
import type { PortMappingStatus } from '../../../src-shared/model';
import { portMappingIndicator } from './port-mapping-status';

const base: PortMappingStatus = {
  enabled: true,
  tcpPort: 51413,
  udpPort: 51413,
  upnp: { tcp: { state: 'searching' }, udp: { state: 'searching' } },
  natpmp: { tcp: { state: 'searching' }, udp: { state: 'searching' } },
};

describe('port mapping indicator', () => {
  it('shows a compact word, with the whole sentence as its name', () => {
    const mapped: PortMappingStatus = {
      ...base,
      upnp: {
        tcp: {
          state: 'mapped',
          externalAddress: '198.51.100.23',
          externalPort: 51413,
          protocol: 'upnp',
          expiresAt: 5,
        },
        udp: {
          state: 'mapped',
          externalAddress: '198.51.100.23',
          externalPort: 51413,
          protocol: 'upnp',
          expiresAt: 5,
        },
      },
    };
    expect(portMappingIndicator(mapped)).toEqual({
      state: 'mapped',
      text: 'Open via UPnP',
      label: 'Port 51413 open via UPnP',
      title: 'Port 51413 open via UPnP. Reachable at 198.51.100.23:51413 (UPnP, TCP and UDP).',
    });
  });

  it('says searching, failed with the reason, or off', () => {
    expect(portMappingIndicator(base)).toMatchObject({
      state: 'searching',
      text: 'Mapping…',
      label: 'Opening port 51413 on the router',
    });
    const none = { state: 'failed', reason: 'no default gateway found' } as const;
    const failed = {
      ...base,
      upnp: { tcp: { state: 'failed', reason: 'no UPnP gateway answered' }, udp: none },
      natpmp: { tcp: none, udp: none },
    } as PortMappingStatus;
    expect(portMappingIndicator(failed)).toMatchObject({
      state: 'failed',
      text: 'Not forwarded',
      label: 'Port not forwarded: no UPnP or NAT-PMP gateway answered',
    });
    expect(portMappingIndicator(undefined)).toMatchObject({
      state: 'off',
      text: 'Not mapped',
      label: 'Port mapping off',
    });
    expect(portMappingIndicator({ ...base, enabled: false }).state).toBe('off');
  });
});
