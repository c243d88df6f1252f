/**
 * "Why no peers, why slow" (issue 19): the main cause a torrent does not move, or moves slowly,
 * as a pure function of plain state. The torrent gathers the numbers (O(peers + trackers)); the
 * renderer words the result.
 *
 * Invariants:
 * - One cause, the first in this order that applies: a fault (files missing, disk error), a
 *   state chosen or passing (paused, queued, checking), then, while downloading, no peers
 *   (trackers, candidates, failed dials), peers that cannot help (nothing we need, all choke us),
 *   a binding limit, and, only while stalled, data that does not come.
 * - A seed, or a downloading torrent that receives data with no limit binding, has no cause.
 * - `missingPieces` is called only for the "nobody has the pieces" cause: it may walk the pieces.
 */
import type {
  ConnectFailureCounts,
  DiagnosisCause,
  ErrorCode,
  LimitScope,
  TorrentDiagnosis,
  TorrentState,
  TrackerAnnounceState,
} from '../../../src-shared/model';

export interface DiagnosisInput {
  /** The torrent's own state (never 'stalled': that is what stalledSince says). */
  state: TorrentState;
  error: string | null;
  errorCode: ErrorCode | null;
  /** 0..1 while checking. */
  checkProgress: number;
  peers: number;
  /** Peers that have a piece we want (we are interested in them). */
  usefulPeers: number;
  /** Of those, the ones that unchoke us. */
  usefulUnchoking: number;
  trackers: readonly { state: TrackerAnnounceState; lastError: string | null }[];
  /** Addresses known and not connected now. */
  candidates: number;
  failures: ConnectFailureCounts;
  /** A download limit that held back requests recently, or null. */
  bindingLimit: { scope: LimitScope; limitBps: number } | null;
  /** Since when the torrent wants data and received none (stall-watch.ts), or null. */
  stalledSince: number | null;
  missingPieces: () => number;
}

export function diagnose(s: DiagnosisInput): TorrentDiagnosis | null {
  const cause = mainCause(s);
  if (cause === null) return null;
  return { cause, severity: severityOf(cause), stalledSince: s.stalledSince };
}

function mainCause(s: DiagnosisInput): DiagnosisCause | null {
  switch (s.state) {
    case 'error':
      return s.errorCode === 'files-missing'
        ? { kind: 'files-missing', message: s.error ?? '' }
        : { kind: 'disk-error', message: s.error ?? '' };
    case 'paused':
      return { kind: 'paused' };
    case 'queued':
      return { kind: 'queued' };
    case 'checking':
      return { kind: 'checking', progress: s.checkProgress };
    case 'fetching-metadata':
      return { kind: 'fetching-metadata', peers: s.peers };
    case 'downloading':
    case 'stalled':
      return downloadCause(s);
    default:
      return null;
  }
}

function downloadCause(s: DiagnosisInput): DiagnosisCause | null {
  if (s.peers === 0) return noPeersCause(s);
  if (s.usefulPeers === 0)
    return { kind: 'nobody-has-pieces', peers: s.peers, missingPieces: s.missingPieces() };
  if (s.usefulUnchoking === 0) return { kind: 'all-choke-us', peers: s.usefulPeers };
  if (s.bindingLimit) return { kind: 'rate-limited', ...s.bindingLimit };
  if (s.stalledSince !== null) return { kind: 'waiting-for-data', peers: s.usefulUnchoking };
  return null;
}

function noPeersCause(s: DiagnosisInput): DiagnosisCause {
  const trackers = s.trackers.filter((t) => t.state !== 'disabled');
  if (s.candidates === 0) {
    const failed = trackers.filter((t) => t.state === 'error');
    if (trackers.length > 0 && failed.length === trackers.length)
      return {
        kind: 'trackers-failed',
        trackers: trackers.length,
        error: failed.find((t) => t.lastError)?.lastError ?? 'no answer',
      };
    return {
      kind: 'no-candidates',
      trackers: trackers.length,
      trackersWorking: trackers.filter((t) => t.state === 'working').length,
    };
  }
  const failures = Object.values(s.failures).reduce((a, n) => a + (n ?? 0), 0);
  if (failures > 0)
    return { kind: 'connect-failed', candidates: s.candidates, failures: { ...s.failures } };
  return { kind: 'connecting', candidates: s.candidates };
}

function severityOf(c: DiagnosisCause): TorrentDiagnosis['severity'] {
  switch (c.kind) {
    case 'disk-error':
    case 'files-missing':
      return 'error';
    case 'paused':
    case 'queued':
    case 'checking':
    case 'fetching-metadata':
    case 'rate-limited':
    case 'connecting':
      return 'info';
    default:
      return 'warn';
  }
}
