import { describe, expect, it } from 'vitest';
import { BanPolicy } from './ban-policy';
import type { BannedPeer } from './ban-policy';

const peer = (key: string, extra: Partial<BannedPeer> = {}): BannedPeer => ({
  key,
  address: key.split(':')[0]!,
  candidateKey: null,
  peerIdHex: null,
  ...extra,
});

describe('BanPolicy', () => {
  it('bans the sole source of bad pieces after the configured strikes', () => {
    const policy = new BanPolicy({ strikesToBan: 2, banByAddress: () => true });
    expect(policy.onPieceFailed(['a:1'])).toEqual([]);
    expect(policy.onPieceFailed(['a:1'])).toEqual(['a:1']);
  });

  it('shared blame needs twice the strikes, so honest co-contributors survive', () => {
    const policy = new BanPolicy({ strikesToBan: 2, banByAddress: () => true });
    expect(policy.onPieceFailed(['bad:1', 'good:2'])).toEqual([]);
    expect(policy.onPieceFailed(['bad:1', 'good:2'])).toEqual([]);
    expect(policy.onPieceFailed(['bad:1'])).toEqual(['bad:1']);
    expect(policy.onPieceFailed(['bad:1', 'good:2'])).toEqual(['bad:1']);
  });

  it('a ban covers the address:port, the dialled address and the peer id', () => {
    const policy = new BanPolicy({ strikesToBan: 2, banByAddress: () => false });
    policy.ban(peer('10.0.0.1:5000', { candidateKey: '10.0.0.1:6881', peerIdHex: 'abcd' }));
    expect(['10.0.0.1:5000', '10.0.0.1:6881', 'abcd'].map((k) => policy.isBanned(k))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('a banned peer returning from the same IP with a new port is still refused', () => {
    const policy = new BanPolicy({ strikesToBan: 2, banByAddress: () => true });
    policy.ban(peer('10.0.0.1:5000'));
    expect(policy.isAddressBanned('10.0.0.1', 5001)).toBe(true);
    expect(policy.isAddressBanned('10.0.0.2', 5000)).toBe(false);
  });

  it('when peers share an IP, a ban stays on the one address:port', () => {
    const policy = new BanPolicy({ strikesToBan: 2, banByAddress: () => false });
    policy.ban(peer('127.0.0.1:5000'));
    expect(policy.isAddressBanned('127.0.0.1', 5000)).toBe(true);
    expect(policy.isAddressBanned('127.0.0.1', 5001)).toBe(false);
  });
});
