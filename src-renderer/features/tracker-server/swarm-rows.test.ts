import { describe, expect, it } from 'vitest';
import { shortHash, swarmRows } from './swarm-rows';

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
