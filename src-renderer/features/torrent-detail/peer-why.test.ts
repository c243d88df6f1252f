import { describe, expect, it } from 'vitest';
import type { PeerEvent, PeerSnapshot } from '../../../src-shared/model';
import { chokeWords, closeReasonOf, peerWhy, remoteWords, unchokes } from './peer-why';

const NOW = 1_000_000;

describe('chokeWords', () => {
  it('words a regular unchoke with rank, count, slots and what it ranks by', () => {
    const w = chokeWords({ kind: 'regular', rank: 2, of: 5, slots: 4, by: 'download' }, NOW);
    expect(w.short).toBe('Unchoked: #2 of 5');
    expect(w.full).toBe(
      'We unchoke it: it ranks 2nd of 5 interested peers by its upload rate to us (we download), within our 4 regular slots.',
    );
  });

  it('words a choke by rank past the slots, and seeding ranks by our upload', () => {
    const w = chokeWords({ kind: 'outranked', rank: 3, of: 3, slots: 1, by: 'upload' }, NOW);
    expect(w.short).toBe('Choked: #3 > 1 slots');
    expect(w.full).toContain('ranks 3rd of 3 interested peers by our upload rate to it (we seed)');
    expect(w.full).toContain('past our 1 regular slot,');
  });

  it('counts down to the optimistic rotation', () => {
    const w = chokeWords({ kind: 'optimistic', since: NOW - 5_000, rotatesAt: NOW + 25_000 }, NOW);
    expect(w.short).toBe('Optimistic, rotates in 25s');
    expect(chokeWords({ kind: 'optimistic', since: 0, rotatesAt: NOW - 1 }, NOW).short).toBe(
      'Optimistic, rotates now',
    );
  });

  it('words every other reason, and only unchoking ones unchoke', () => {
    expect(chokeWords({ kind: 'snubbed' }, NOW).short).toBe('Choked: snubbed');
    expect(chokeWords({ kind: 'not-interested' }, NOW).full).toBe(
      'We choke it: it is not interested in anything we have.',
    );
    expect(chokeWords({ kind: 'undecided' }, NOW).short).toBe('Waiting for rechoke');
    expect(unchokes({ kind: 'free-slot', slots: 4 })).toBe(true);
    expect(unchokes({ kind: 'seed' })).toBe(false);
  });

  it('uses 11th, 12th and 13th, and 21st', () => {
    const full = (rank: number): string =>
      chokeWords({ kind: 'outranked', rank, of: 30, slots: 4, by: 'download' }, NOW).full;
    expect(full(11)).toContain('ranks 11th');
    expect(full(12)).toContain('ranks 12th');
    expect(full(21)).toContain('ranks 21st');
  });
});

describe('remoteWords', () => {
  it('says it chokes us, with the pieces it has that we need', () => {
    expect(remoteWords({ kind: 'chokes-us' }, 12)).toEqual({
      short: 'it chokes us',
      full: 'It chokes us; it has 12 pieces we need.',
    });
  });
  it('tells nothing we need from nothing yet', () => {
    expect(remoteWords({ kind: 'nothing-we-need' }).full).toBe(
      'We are not interested: it has nothing we need.',
    );
    expect(remoteWords({ kind: 'nothing-yet' }).short).toBe('has nothing yet');
  });
});

describe('peerWhy', () => {
  const base = { key: 'a:1' } as PeerSnapshot;
  it('joins both sides for the Why column', () => {
    const p: PeerSnapshot = {
      ...base,
      chokeReason: { kind: 'not-interested' },
      remoteReason: { kind: 'sending' },
      neededPieces: 1,
    };
    expect(peerWhy(p, NOW)).toEqual({
      short: 'Choked: not interested · it sends',
      full: 'We choke it: it is not interested in anything we have. It unchokes us and sends what we ask for; it has 1 piece we need.',
    });
  });
  it('says nothing is explained by a host that predates the explainer', () => {
    expect(peerWhy(base, NOW).short).toBe('—');
  });
});

describe('closeReasonOf', () => {
  const p = { key: '10.0.0.1:1', connectedAt: 100 } as PeerSnapshot;
  const ev = (peer: string, at: number, detail: string): PeerEvent => ({
    at,
    peer,
    dir: 'local',
    type: 'close',
    detail,
  });
  it('words the newest close of this peer since it connected', () => {
    const closes = [
      ev('10.0.0.1:1', 50, 'banned'),
      ev('10.0.0.1:1', 150, 'socket-error: read ECONNRESET'),
      ev('10.0.0.2:1', 160, 'remote-closed'),
    ];
    expect(closeReasonOf(closes, p)).toBe('the connection failed (socket-error: read ECONNRESET)');
  });
  it('is null when no close of this connection is known', () => {
    expect(closeReasonOf([ev('10.0.0.1:1', 50, 'banned')], p)).toBeNull();
  });
});
