import { describe, expect, it } from 'vitest';
import type { SwarmPeerInfo } from '../../../src-shared/model';
import { agoText, peerRows, shortHash, swarmRows, swarmSummary } from './swarm-rows';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

describe('swarm rows', () => {
  it('names our swarms, leaves foreign ones unnamed, busiest first', () => {
    const rows = swarmRows(
      [
        { infoHash: a, seeders: 1, leechers: 0, snatches: 0 },
        { infoHash: b, seeders: 1, leechers: 3, snatches: 2 },
      ],
      new Map([[a, { name: 'ubuntu.iso' }]]),
    );
    expect(rows).toEqual([
      { infoHash: b, name: null, seeders: 1, leechers: 3, snatches: 2, peers: 4 },
      { infoHash: a, name: 'ubuntu.iso', seeders: 1, leechers: 0, snatches: 0, peers: 1 },
    ]);
  });

  it('shortens hashes for narrow columns', () => {
    expect(shortHash('0123456789abcdef0123456789abcdef01234567')).toBe('01234567…234567');
    expect(shortHash('abc')).toBe('abc');
  });
});

// --- tracker view (issue 21) ---
function info(over: Partial<SwarmPeerInfo>): SwarmPeerInfo {
  return {
    address: '127.0.0.1',
    port: 6881,
    peerIdHex: '2d4c54',
    client: 'libtorrent 2.0',
    seeding: false,
    left: 100,
    uploaded: 1,
    downloaded: 2,
    lastSeenAt: 0,
    lastEvent: 'started',
    ...over,
  };
}

describe('peer rows', () => {
  const now = 10_000_000;

  it('says how old each peer’s figures are, freshest first', () => {
    const rows = peerRows(
      [
        info({
          port: 1,
          lastSeenAt: now - 7 * 60_000,
          left: 0,
          seeding: true,
          lastEvent: 'completed',
        }),
        info({ port: 2, lastSeenAt: now - 42_000, lastEvent: 'none', client: '' }),
        info({ address: '::1', port: 3, lastSeenAt: now - 65 * 60_000 }),
      ],
      now,
    );
    expect(rows.map((r) => [r.endpoint, r.asOf, r.event, r.client, r.seeding])).toEqual([
      ['127.0.0.1:2', 'as of 42 s ago', 'Update', null, false],
      ['127.0.0.1:1', 'as of 7 min ago', 'Completed', 'libtorrent 2.0', true],
      ['[::1]:3', 'as of 1 h 5 min ago', 'Started', 'libtorrent 2.0', false],
    ]);
    expect(rows[1]).toMatchObject({ left: 0, uploaded: 1, downloaded: 2, asOfAt: now - 420_000 });
  });

  it('keeps rows of the same age in a stable order, and a time in the future reads just now', () => {
    const rows = peerRows(
      [info({ port: 9, lastSeenAt: now + 3000 }), info({ port: 10, lastSeenAt: now + 3000 })],
      now,
    );
    expect(rows.map((r) => r.endpoint)).toEqual(['127.0.0.1:10', '127.0.0.1:9']);
    expect(rows[0]?.asOf).toBe('as of just now');
  });

  it('marks a peer late once its announce is overdue past the interval and a grace', () => {
    const at = (ms: number) => peerRows([info({ lastSeenAt: now - ms })], now, 1800)[0]?.late;
    expect(at(1800_000)).toBe(false);
    expect(at(1800_000 + 60_000)).toBe(false);
    expect(at(1800_000 + 60_001)).toBe(true);
    // Without the interval (settings not read yet) nothing is called late.
    expect(peerRows([info({ lastSeenAt: 0 })], now)[0]?.late).toBe(false);
  });

  it('words ages from seconds to hours', () => {
    expect(agoText(now - 4_999, now)).toBe('just now');
    expect(agoText(now - 5_000, now)).toBe('5 s ago');
    expect(agoText(now - 59_999, now)).toBe('59 s ago');
    expect(agoText(now - 60_000, now)).toBe('1 min ago');
    expect(agoText(now - 30 * 60_000, now)).toBe('30 min ago');
    expect(agoText(now - 120 * 60_000, now)).toBe('2 h ago');
  });

  it('summarises a swarm in one line', () => {
    expect(swarmSummary({ seeders: 1, leechers: 3, snatches: 2 })).toBe(
      '1 seeder · 3 leechers · 2 completed',
    );
    expect(swarmSummary({ seeders: 0, leechers: 1, snatches: 0 })).toBe(
      '0 seeders · 1 leecher · 0 completed',
    );
  });
});
