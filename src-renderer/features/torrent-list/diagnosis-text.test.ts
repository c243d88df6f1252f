import { describe, expect, it } from 'vitest';
import type { DiagnosisCause, TorrentSummary } from '../../../src-shared/model';
import { diagnosisWords, failureSummary, saysMoreThanState } from './diagnosis-text';

const NOW = 1_000_000;

function t(
  cause: DiagnosisCause,
  over: Partial<TorrentSummary> = {},
  stalledSince: number | null = null,
): TorrentSummary {
  return {
    state: 'downloading',
    diagnosis: { cause, severity: 'warn', stalledSince },
    ...over,
  } as TorrentSummary;
}

describe('diagnosisWords', () => {
  it('names every failed tracker and the error', () => {
    const w = diagnosisWords(
      t({ kind: 'trackers-failed', trackers: 2, error: 'connection refused' }),
      NOW,
    );
    expect(w?.line).toBe('No peers: all 2 trackers failed — connection refused');
    expect(
      diagnosisWords(t({ kind: 'trackers-failed', trackers: 1, error: 'timed out' }), NOW)?.line,
    ).toBe('No peers: the tracker failed — timed out');
  });

  it('names a binding download limit', () => {
    const w = diagnosisWords(
      t({ kind: 'rate-limited', scope: 'global', limitBps: 100 * 1024 }),
      NOW,
    );
    expect(w?.line).toBe('Slow: download limit 100 KiB/s is binding');
  });

  it('counts the stall in the line, whatever the cause', () => {
    const w = diagnosisWords(
      t({ kind: 'all-choke-us', peers: 3 }, { state: 'stalled' }, NOW - 45_000),
      NOW,
    );
    expect(w?.line).toBe('Stalled 45s: every peer chokes us');
    expect(w?.full).toMatch(/^Stalled 45s \(nothing received\)\. Every one of the 3 peers/);
  });

  it('sums failed connections largest first', () => {
    expect(failureSummary({ refused: 1, 'timed-out': 4, banned: 0 })).toBe(
      '4 timed out, 1 refused',
    );
    const w = diagnosisWords(
      t({ kind: 'connect-failed', candidates: 5, failures: { refused: 5 } }),
      NOW,
    );
    expect(w?.line).toBe('No peers: connections failed: 5 refused');
  });

  it('words nobody having the missing pieces', () => {
    expect(
      diagnosisWords(t({ kind: 'nobody-has-pieces', peers: 2, missingPieces: 3 }), NOW)?.line,
    ).toBe('Slow: none of 2 peers has the 3 missing pieces');
  });

  it('has no line without a diagnosis, and the list skips what the state says', () => {
    expect(diagnosisWords({ state: 'seeding' } as TorrentSummary, NOW)).toBeNull();
    expect(saysMoreThanState(t({ kind: 'paused' }))).toBe(false);
    expect(saysMoreThanState(t({ kind: 'all-choke-us', peers: 1 }))).toBe(true);
  });
});

describe('diagnosisWords while dialling', () => {
  it('reads well alone and after the stall prefix', () => {
    const c: DiagnosisCause = { kind: 'connecting', candidates: 1 };
    expect(diagnosisWords(t(c), NOW)?.line).toBe('No peers: dialling 1 address');
    expect(diagnosisWords(t(c, { state: 'stalled' }, NOW - 31_000), NOW)?.line).toBe(
      'Stalled 31s: dialling 1 address',
    );
  });
});
