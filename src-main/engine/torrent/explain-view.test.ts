import { describe, expect, it } from 'vitest';
import type { PeerSnapshot, TorrentSummary } from '../../../src-shared/model';
import type { PiecePicker } from '../picker';
import { LIMIT_BINDING_WINDOW_MS, explainPeers, explainSummary } from './explain-view';
import type { SummaryExplainInput } from './explain-view';
import type { PeerState } from './torrent-context';

const NOW = 1_000_000;

/** A peer as the explainer reads it: its flags and which of 4 pieces it has. */
function peer(
  key: string,
  o: { interested?: boolean; choking?: boolean; has?: number[] } = {},
): PeerState {
  const has = new Set(o.has ?? [0, 1, 2, 3]);
  return {
    key,
    conn: {
      amInterested: o.interested ?? true,
      peerChoking: o.choking ?? false,
      snubbed: false,
      peerBitfield: { get: (i: number) => has.has(i), count: () => has.size },
    },
  } as unknown as PeerState;
}

/** We have piece 0 of 4 and want the rest. */
const picker = {
  wants: (i: number) => i > 0 && i < 4,
  isComplete: () => false,
} as unknown as PiecePicker;

const summary = {
  state: 'downloading',
  error: null,
  checkProgress: 0,
  pieceCount: 4,
} as TorrentSummary;

function input(over: Partial<SummaryExplainInput> = {}): SummaryExplainInput {
  return {
    state: 'downloading',
    errorCode: null,
    peers: [peer('a')],
    picker,
    trackers: [],
    candidates: 0,
    failures: {},
    throttledAt: null,
    downLimitBps: 0,
    stalledSince: null,
    now: NOW,
    ...over,
  };
}

describe('explainSummary', () => {
  it('leaves a healthy download as it is, with no diagnosis', () => {
    expect(explainSummary(summary, input())).toEqual({ ...summary, diagnosis: null });
  });

  it('shows a stalled download as stalled, with the reason', () => {
    const s = explainSummary(
      summary,
      input({ peers: [peer('a', { choking: true })], stalledSince: NOW - 40_000 }),
    );
    expect(s.state).toBe('stalled');
    expect(s.diagnosis).toEqual({
      cause: { kind: 'all-choke-us', peers: 1 },
      severity: 'warn',
      stalledSince: NOW - 40_000,
    });
  });

  it('never shows a paused torrent as stalled', () => {
    const s = explainSummary(
      { ...summary, state: 'paused' },
      input({ state: 'paused', stalledSince: NOW - 40_000 }),
    );
    expect(s.state).toBe('paused');
    expect(s.diagnosis?.stalledSince).toBeNull();
  });

  it('counts the pieces nobody has when no peer has what we need', () => {
    const s = explainSummary(summary, input({ peers: [peer('a', { interested: false })] }));
    expect(s.diagnosis?.cause).toEqual({ kind: 'nobody-has-pieces', peers: 1, missingPieces: 3 });
  });

  it('names the limit that held requests back lately, the lower of torrent and global', () => {
    const throttled = { throttledAt: NOW - 1_000, downLimitBps: 200_000 };
    expect(explainSummary(summary, input(throttled)).diagnosis?.cause).toEqual({
      kind: 'rate-limited',
      scope: 'global',
      limitBps: 200_000,
    });
    expect(
      explainSummary(summary, input({ ...throttled, torrentDownLimitBps: 50_000 })).diagnosis
        ?.cause,
    ).toEqual({ kind: 'rate-limited', scope: 'torrent', limitBps: 50_000 });
    const stale = { throttledAt: NOW - LIMIT_BINDING_WINDOW_MS, downLimitBps: 200_000 };
    expect(explainSummary(summary, input(stale)).diagnosis).toBeNull();
  });
});

describe('explainPeers', () => {
  it('adds the choke reason, its side and the pieces it has that we need', () => {
    const peers = new Map([
      ['a', peer('a', { has: [0, 2] })],
      ['b', peer('b', { interested: false, has: [] })],
    ]);
    const snaps = [{ key: 'a' }, { key: 'b' }] as PeerSnapshot[];
    const out = explainPeers(snaps, peers, picker, 4, () => ({ kind: 'not-interested' }));
    expect(out[0]).toMatchObject({
      chokeReason: { kind: 'not-interested' },
      remoteReason: { kind: 'sending' },
      neededPieces: 1,
    });
    expect(out[1]).toMatchObject({ remoteReason: { kind: 'nothing-yet' }, neededPieces: 0 });
  });
});
