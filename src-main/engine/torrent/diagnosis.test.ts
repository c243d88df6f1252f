import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnosis';
import type { DiagnosisInput } from './diagnosis';

/** A downloading torrent that receives data from one peer: nothing to explain. */
function input(over: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {
    state: 'downloading',
    error: null,
    errorCode: null,
    checkProgress: 0,
    peers: 3,
    usefulPeers: 2,
    usefulUnchoking: 1,
    trackers: [{ state: 'working', lastError: null }],
    candidates: 5,
    failures: {},
    bindingLimit: null,
    stalledSince: null,
    missingPieces: () => {
      throw new Error('walked the pieces for a cause that does not need them');
    },
    ...over,
  };
}

const noPeers = { peers: 0, usefulPeers: 0, usefulUnchoking: 0 };

describe('diagnose', () => {
  it('finds nothing wrong with a download that receives data', () => {
    expect(diagnose(input())).toBeNull();
  });

  it('finds nothing for a seed', () => {
    expect(diagnose(input({ state: 'seeding', peers: 0 }))).toBeNull();
  });

  it('names every failed tracker, with the first error, when there are no peers or addresses', () => {
    const d = diagnose(
      input({
        ...noPeers,
        candidates: 0,
        trackers: [
          { state: 'error', lastError: 'connection refused' },
          { state: 'error', lastError: 'timed out' },
          { state: 'disabled', lastError: null },
        ],
      }),
    );
    expect(d).toEqual({
      cause: { kind: 'trackers-failed', trackers: 2, error: 'connection refused' },
      severity: 'warn',
      stalledSince: null,
    });
  });

  it('says no candidates when trackers work but gave nobody, or there are no trackers', () => {
    expect(diagnose(input({ ...noPeers, candidates: 0 }))?.cause).toEqual({
      kind: 'no-candidates',
      trackers: 1,
      trackersWorking: 1,
    });
    expect(diagnose(input({ ...noPeers, candidates: 0, trackers: [] }))?.cause).toEqual({
      kind: 'no-candidates',
      trackers: 0,
      trackersWorking: 0,
    });
  });

  it('counts failed connections by reason when the addresses known do not connect', () => {
    const failures = { refused: 3, 'timed-out': 2, 'handshake-mismatch': 1, banned: 1 };
    expect(diagnose(input({ ...noPeers, candidates: 7, failures }))).toEqual({
      cause: { kind: 'connect-failed', candidates: 7, failures },
      severity: 'warn',
      stalledSince: null,
    });
  });

  it('says connecting while addresses are known and nothing has failed yet', () => {
    expect(diagnose(input({ ...noPeers, candidates: 4 }))).toEqual({
      cause: { kind: 'connecting', candidates: 4 },
      severity: 'info',
      stalledSince: null,
    });
  });

  it('says nobody has the missing pieces when no peer has a piece we want', () => {
    const d = diagnose(
      input({ peers: 4, usefulPeers: 0, usefulUnchoking: 0, missingPieces: () => 3 }),
    );
    expect(d?.cause).toEqual({ kind: 'nobody-has-pieces', peers: 4, missingPieces: 3 });
    expect(d?.severity).toBe('warn');
  });

  it('says every peer chokes us when those with what we need all choke', () => {
    expect(diagnose(input({ peers: 5, usefulPeers: 3, usefulUnchoking: 0 }))?.cause).toEqual({
      kind: 'all-choke-us',
      peers: 3,
    });
  });

  it('says a binding download limit, global or per torrent', () => {
    const d = diagnose(input({ bindingLimit: { scope: 'global', limitBps: 102_400 } }));
    expect(d).toEqual({
      cause: { kind: 'rate-limited', scope: 'global', limitBps: 102_400 },
      severity: 'info',
      stalledSince: null,
    });
    expect(diagnose(input({ bindingLimit: { scope: 'torrent', limitBps: 1 } }))?.cause.kind).toBe(
      'rate-limited',
    );
  });

  it('puts a disk error and missing files first, as errors', () => {
    expect(
      diagnose(input({ state: 'error', error: 'write failed: the disk is full', peers: 0 })),
    ).toEqual({
      cause: { kind: 'disk-error', message: 'write failed: the disk is full' },
      severity: 'error',
      stalledSince: null,
    });
    expect(
      diagnose(input({ state: 'error', error: 'gone', errorCode: 'files-missing' }))?.cause,
    ).toEqual({ kind: 'files-missing', message: 'gone' });
  });

  it('says paused, queued and checking (with its progress) as information', () => {
    expect(diagnose(input({ state: 'paused' }))?.cause).toEqual({ kind: 'paused' });
    expect(diagnose(input({ state: 'queued' }))?.cause).toEqual({ kind: 'queued' });
    const c = diagnose(input({ state: 'checking', checkProgress: 0.25 }));
    expect(c).toEqual({
      cause: { kind: 'checking', progress: 0.25 },
      severity: 'info',
      stalledSince: null,
    });
  });

  it('carries the stall, and says we wait for data when stalled with willing peers', () => {
    const d = diagnose(input({ stalledSince: 1_000 }));
    expect(d).toEqual({
      cause: { kind: 'waiting-for-data', peers: 1 },
      severity: 'warn',
      stalledSince: 1_000,
    });
    const choked = diagnose(input({ usefulUnchoking: 0, stalledSince: 1_000 }));
    expect(choked?.cause.kind).toBe('all-choke-us');
    expect(choked?.stalledSince).toBe(1_000);
  });
});
