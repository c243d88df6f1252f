import { describe, expect, it } from 'vitest';
import { CandidateList, dialBackoffMs } from './candidates';
import {
  DIAL_BACKOFF_BASE_MS,
  DIAL_BACKOFF_MAX_MS,
  REDIAL_AFTER_DIAL_MS,
  REDIAL_AFTER_LOCAL_CLOSE_MS,
  REDIAL_AFTER_REMOTE_CLOSE_MS,
} from '../limits';

const notBanned = (): boolean => false;
const keys = (list: CandidateList, now: number): string[] => [...list.due(now)].map((c) => c.key);

function listOf(...ports: number[]): CandidateList {
  const list = new CandidateList();
  list.add(
    ports.map((port) => ({ address: '10.0.0.1', port })),
    'manual',
    notBanned,
  );
  return list;
}

describe('CandidateList', () => {
  it('keeps each address once, in the order learnt', () => {
    const list = listOf(1, 2, 1);
    expect(list.add([{ address: '10.0.0.1', port: 2 }], 'tracker', notBanned)).toBe(0);
    expect(keys(list, 0)).toEqual(['10.0.0.1:1', '10.0.0.1:2']);
  });

  it('refuses ports outside 1..65535', () => {
    expect(listOf(0, 65536, -1, 80).size).toBe(1);
  });

  it('refuses banned addresses', () => {
    const list = new CandidateList();
    list.add(
      [
        { address: '10.0.0.6', port: 6 },
        { address: '10.0.0.7', port: 7 },
      ],
      'pex',
      (address) => address === '10.0.0.6',
    );
    expect(keys(list, 0)).toEqual(['10.0.0.7:7']);
  });

  it('stops at its capacity', () => {
    const list = new CandidateList(3);
    list.add(
      [1, 2, 3, 4, 5].map((port) => ({ address: 'a', port })),
      'tracker',
      notBanned,
    );
    expect(list.size).toBe(3);
  });

  it('a dialled candidate is not due again before REDIAL_AFTER_DIAL_MS', () => {
    const list = listOf(1);
    const c = list.get('10.0.0.1:1')!;
    list.onDialStarted(c, 1_000);
    expect(keys(list, 1_000 + REDIAL_AFTER_DIAL_MS - 1)).toEqual([]);
    expect(keys(list, 1_000 + REDIAL_AFTER_DIAL_MS)).toEqual(['10.0.0.1:1']);
  });

  it('failed dials back off exponentially, up to the cap', () => {
    expect([1, 2, 3, 4].map(dialBackoffMs)).toEqual(
      [1, 2, 4, 8].map((m) => m * DIAL_BACKOFF_BASE_MS),
    );
    expect(dialBackoffMs(40)).toBe(DIAL_BACKOFF_MAX_MS);
    const list = listOf(1);
    const c = list.get('10.0.0.1:1')!;
    list.onDialFailed(c, 0);
    list.onDialFailed(c, 0);
    expect(c.nextTryAt).toBe(2 * DIAL_BACKOFF_BASE_MS);
  });

  it('a connection resets the backoff', () => {
    const list = listOf(1);
    const c = list.get('10.0.0.1:1')!;
    for (let i = 0; i < 5; i++) list.onDialFailed(c, 0);
    list.onDialSucceeded(c);
    list.onDialFailed(c, 0);
    expect(c.nextTryAt).toBe(DIAL_BACKOFF_BASE_MS);
  });

  it('a peer that hung up is redialled sooner than one we closed', () => {
    const list = listOf(1, 2);
    list.onConnectionClosed('10.0.0.1:1', true, 0);
    list.onConnectionClosed('10.0.0.1:2', false, 0);
    expect(keys(list, REDIAL_AFTER_REMOTE_CLOSE_MS)).toEqual(['10.0.0.1:1']);
    expect(keys(list, REDIAL_AFTER_LOCAL_CLOSE_MS)).toEqual(['10.0.0.1:1', '10.0.0.1:2']);
  });

  it('a known seed is not due while we seed, and is again once we want data (issue 21)', () => {
    const list = listOf(1, 2);
    list.noteSeed('10.0.0.1:1', true);
    list.onConnectionClosed('10.0.0.1:1', false, 0);
    const later = 10 * REDIAL_AFTER_LOCAL_CLOSE_MS;
    expect([...list.due(later, true)].map((c) => c.key)).toEqual(['10.0.0.1:2']);
    expect([...list.due(later, false)].map((c) => c.key)).toEqual(['10.0.0.1:1', '10.0.0.1:2']);
    // A later connection showed it is no longer a seed: due again while we seed.
    list.noteSeed('10.0.0.1:1', false);
    expect([...list.due(later, true)].map((c) => c.key)).toEqual(['10.0.0.1:1', '10.0.0.1:2']);
  });

  it('noting an address that is not a candidate changes nothing', () => {
    const list = listOf(1);
    list.noteSeed('10.0.0.9:9', true);
    expect(list.size).toBe(1);
    expect(keys(list, 0)).toEqual(['10.0.0.1:1']);
  });

  it('Resume dials the peers our stop closed at once; failed dials keep their backoff', () => {
    const list = listOf(1, 2);
    list.onConnectionClosed('10.0.0.1:1', false, 1_000);
    list.onDialFailed(list.get('10.0.0.1:2')!, 1_000);
    expect(keys(list, 1_000)).toEqual([]);
    list.onTorrentStarted();
    expect(keys(list, 1_000)).toEqual(['10.0.0.1:1']);
  });

  it('an address that was ourselves is never due again, not even after a Resume', () => {
    const list = listOf(1, 2);
    list.onSelfConnection('10.0.0.1:1');
    list.onConnectionClosed('10.0.0.1:1', false, 0);
    expect(keys(list, 10 * REDIAL_AFTER_LOCAL_CLOSE_MS)).toEqual(['10.0.0.1:2']);
    list.onTorrentStarted();
    expect(keys(list, 0)).toEqual(['10.0.0.1:2']);
    // Given again by a source, it is still the same known address.
    expect(list.add([{ address: '10.0.0.1', port: 1 }], 'dht', notBanned)).toBe(0);
    expect(keys(list, 0)).toEqual(['10.0.0.1:2']);
  });
});

describe('CandidateList: sources (issue 17)', () => {
  it('caps a source on its own and counts what each source gave', () => {
    const list = new CandidateList(100);
    const peers = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => ({ address: '10.0.0.2', port: base + i }));
    expect(list.add(peers(5, 100), 'tracker', notBanned)).toBe(5);
    expect(list.add(peers(10, 200), 'pex', notBanned, 4)).toBe(4);
    expect(list.add(peers(10, 300), 'pex', notBanned, 4)).toBe(0);
    // Other sources are not held back by the PEX cap.
    expect(list.add(peers(3, 400), 'lsd', notBanned, 4)).toBe(3);
    // A known address is not counted twice.
    expect(list.add(peers(6, 100), 'manual', notBanned)).toBe(1);
    expect(list.learned()).toEqual({ tracker: 5, pex: 4, lsd: 3, manual: 1 });
    expect(list.get('10.0.0.2:200')?.source).toBe('pex');
  });
});
