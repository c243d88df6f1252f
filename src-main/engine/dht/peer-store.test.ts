import { describe, expect, it } from 'vitest';
import { DHT_PEER_TTL_MS } from '../limits';
import { seededRandom } from '../time/clock';
import { PeerStore } from './peer-store';

const T0 = 1_000_000;
const hash = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const peer = (i: number) => ({ address: `10.0.0.${i}`, port: 6000 + i });
const rnd = seededRandom(3);
const ports = (peers: { port: number }[]): number[] =>
  peers.map((p) => p.port).sort((a, b) => a - b);

describe('PeerStore', () => {
  it('stores peers per info-hash', () => {
    const s = new PeerStore();
    expect(s.add(hash(1), peer(1), T0)).toBe('added');
    expect(s.add(hash(1), peer(2), T0)).toBe('added');
    expect(s.add(hash(2), peer(3), T0)).toBe('added');
    expect(ports(s.get(hash(1), 10, T0, rnd))).toEqual([6001, 6002]);
    expect(ports(s.get(hash(2), 10, T0, rnd))).toEqual([6003]);
    expect(s.get(hash(3), 10, T0, rnd)).toEqual([]);
    expect(s.size).toBe(3);
  });

  it('expires a peer 30 minutes after its last announce', () => {
    const s = new PeerStore();
    s.add(hash(1), peer(1), T0);
    s.add(hash(1), peer(2), T0);
    expect(s.add(hash(1), peer(2), T0 + 10 * 60_000)).toBe('refreshed');
    expect(ports(s.get(hash(1), 10, T0 + DHT_PEER_TTL_MS - 1, rnd))).toEqual([6001, 6002]);
    expect(ports(s.get(hash(1), 10, T0 + DHT_PEER_TTL_MS, rnd))).toEqual([6002]);
    s.purge(T0 + 10 * 60_000 + DHT_PEER_TTL_MS);
    expect(s.size).toBe(0);
    expect(s.infoHashCount).toBe(0);
  });

  it('bounds peers per info-hash, dropping the oldest announce', () => {
    const s = new PeerStore({ maxPeersPerInfoHash: 3 });
    for (let i = 1; i <= 3; i++) s.add(hash(1), peer(i), T0 + i);
    s.add(hash(1), peer(1), T0 + 10); // peer 1 re-announces: peer 2 is now the oldest
    s.add(hash(1), peer(4), T0 + 11);
    expect(ports(s.get(hash(1), 10, T0 + 12, rnd))).toEqual([6001, 6003, 6004]);
    expect(s.size).toBe(3);
  });

  it('refuses new info-hashes and peers when full, until some expire', () => {
    const s = new PeerStore({ maxInfoHashes: 2, maxPeers: 3 });
    s.add(hash(1), peer(1), T0);
    s.add(hash(2), peer(2), T0 + 1);
    expect(s.add(hash(3), peer(3), T0 + 2)).toBe('full');
    expect(s.add(hash(2), peer(3), T0 + 2)).toBe('added');
    expect(s.add(hash(2), peer(4), T0 + 3)).toBe('full');
    expect(s.size).toBe(3);
    // Once hash 1's peer expires, there is room again.
    expect(s.add(hash(3), peer(5), T0 + DHT_PEER_TTL_MS)).toBe('added');
    expect(s.infoHashCount).toBe(2);
  });

  it('returns at most max peers, a sample of all', () => {
    const s = new PeerStore();
    for (let i = 1; i <= 20; i++) s.add(hash(1), peer(i), T0);
    const seen = new Set<number>();
    for (let round = 0; round < 30; round++) {
      const got = s.get(hash(1), 5, T0, rnd);
      expect(got.length).toBe(5);
      expect(new Set(got.map((p) => p.port)).size).toBe(5);
      for (const p of got) seen.add(p.port);
    }
    expect(seen.size).toBeGreaterThan(15);
  });
});
