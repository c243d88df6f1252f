import { describe, expect, it } from 'vitest';
import type { DhtStatus } from '../../../src-shared/model';
import { dhtStatusText } from './dht-status';

const status = (patch: Partial<DhtStatus>): DhtStatus => ({
  running: true,
  nodes: 0,
  lookupsInFlight: 0,
  announces: 0,
  peersBySource: {},
  ...patch,
});

describe('dhtStatusText', () => {
  it('says off for an old host without the field, or with the DHT turned off', () => {
    expect(dhtStatusText(undefined)).toEqual({
      text: 'DHT off',
      state: 'off',
      title: 'No peers known yet',
    });
    expect(dhtStatusText(status({ running: false, peersBySource: { tracker: 3 } }))).toEqual({
      text: 'DHT off',
      state: 'off',
      title: 'Peers by source: tracker 3',
    });
  });

  it('counts nodes and lookups, and lists sources in a fixed order', () => {
    const s = status({
      nodes: 1,
      lookupsInFlight: 2,
      peersBySource: { manual: 1, zeta: 4, dht: 30, tracker: 12, pex: 0 },
    });
    expect(dhtStatusText(s)).toEqual({
      text: 'DHT 1 node · 2 lookups',
      state: 'running',
      title: 'Peers by source: tracker 12, DHT 30, manual 1, zeta 4',
    });
    expect(dhtStatusText(status({ nodes: 120 })).text).toBe('DHT 120 nodes');
  });
});
