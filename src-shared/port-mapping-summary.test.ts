import { describe, expect, it } from 'vitest';
import type { PortMappingState, PortMappingStatus } from './model/port-mapping';
import { portMappingDetail, portMappingLine, summarizePortMapping } from './port-mapping-summary';

const searching: PortMappingState = { state: 'searching' };
const failed = (reason: string): PortMappingState => ({ state: 'failed', reason });
const mapped = (protocol: 'upnp' | 'natpmp' | 'pcp', externalPort = 6881): PortMappingState => ({
  state: 'mapped',
  externalAddress: '198.51.100.23',
  externalPort,
  protocol,
  expiresAt: null,
});
const status = (
  upnp: [PortMappingState, PortMappingState],
  natpmp: [PortMappingState, PortMappingState],
): PortMappingStatus => ({
  enabled: true,
  tcpPort: 6881,
  udpPort: 6881,
  upnp: { tcp: upnp[0], udp: upnp[1] },
  natpmp: { tcp: natpmp[0], udp: natpmp[1] },
});
const line = (s: PortMappingStatus | undefined): string => portMappingLine(summarizePortMapping(s));

describe('port mapping summary', () => {
  it('is off without a status or when disabled', () => {
    expect(line(undefined)).toBe('Port mapping off');
    expect(
      line({ ...status([searching, searching], [searching, searching]), enabled: false }),
    ).toBe('Port mapping off');
  });

  it('names the protocol that mapped TCP, whichever family did it', () => {
    expect(line(status([mapped('upnp'), mapped('upnp')], [searching, searching]))).toBe(
      'Port 6881 open via UPnP',
    );
    expect(
      line(
        status([failed('no UPnP gateway answered'), searching], [mapped('pcp', 40000), searching]),
      ),
    ).toBe('Port 6881 open via PCP');
    const s = summarizePortMapping(
      status([failed('x'), failed('x')], [mapped('natpmp', 40000), failed('y')]),
    );
    expect(portMappingDetail(s)).toBe('Reachable at 198.51.100.23:40000 (NAT-PMP, TCP only).');
    const both = summarizePortMapping(
      status([mapped('upnp'), mapped('upnp')], [failed('x'), failed('x')]),
    );
    expect(portMappingDetail(both)).toBe('Reachable at 198.51.100.23:6881 (UPnP, TCP and UDP).');
  });

  it('is searching while either family still looks', () => {
    expect(
      line(status([searching, searching], [failed('no default gateway found'), failed('x')])),
    ).toBe('Opening port 6881 on the router');
  });

  it('merges two silences into one sentence, and never hides a refusal', () => {
    expect(
      line(
        status(
          [failed('no UPnP gateway answered'), failed('no UPnP gateway answered')],
          [
            failed('no NAT-PMP or PCP gateway answered (no answer to PCP MAP after 3 tries)'),
            failed('x'),
          ],
        ),
      ),
    ).toBe('Port not forwarded: no UPnP or NAT-PMP gateway answered');
    expect(
      line(
        status(
          [failed('the router refused: ConflictInMappingEntry'), failed('x')],
          [failed('no default gateway found'), failed('x')],
        ),
      ),
    ).toBe('Port not forwarded: UPnP: the router refused: ConflictInMappingEntry');
    expect(
      line(
        status(
          [failed('the router refused: Action not authorized'), failed('x')],
          [failed('the router refused: NOT_AUTHORIZED'), failed('x')],
        ),
      ),
    ).toBe(
      'Port not forwarded: UPnP: the router refused: Action not authorized; NAT-PMP: the router refused: NOT_AUTHORIZED',
    );
  });
});
