/**
 * The words for a torrent's diagnosis (issue 19) and its Stalled state (issue 21): one line for
 * the list and the detail header ("No peers: all 2 trackers failed — connection refused"), and a
 * fuller sentence for the tooltip. Pure; unit-tested.
 */
import type { ConnectFailureKind, DiagnosisCause, TorrentSummary } from '../../../src-shared/model';
import { formatEta, formatPercent, formatRate } from '../../lib/format';

export interface DiagnosisWords {
  line: string;
  full: string;
  severity: 'info' | 'warn' | 'error';
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const failureWords: Record<ConnectFailureKind, string> = {
  refused: 'refused',
  'timed-out': 'timed out',
  unreachable: 'unreachable',
  'handshake-mismatch': 'handshake mismatch',
  encryption: 'encryption failed',
  banned: 'banned',
  other: 'other errors',
};

/** "3 refused, 2 timed out", largest first. */
export function failureSummary(failures: Partial<Record<ConnectFailureKind, number>>): string {
  return (Object.entries(failures) as [ConnectFailureKind, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${failureWords[k]}`)
    .join(', ');
}

/** The cause alone: "all 2 trackers failed — connection refused". */
function causeWords(c: DiagnosisCause): { prefix: string; text: string; full: string } {
  switch (c.kind) {
    case 'disk-error':
      return { prefix: 'Error', text: c.message, full: `Stopped by a disk error: ${c.message}` };
    case 'files-missing':
      return {
        prefix: 'Error',
        text: 'files missing',
        full: `${c.message}. Recheck or Set location to recover.`,
      };
    case 'paused':
      return { prefix: 'Paused', text: 'resume to download', full: 'Paused by you.' };
    case 'queued':
      return { prefix: 'Queued', text: 'waiting for a free slot', full: 'Waiting in the queue.' };
    case 'checking':
      return {
        prefix: 'Checking',
        text: formatPercent(c.progress),
        full: `Checking local data: ${formatPercent(c.progress)} done.`,
      };
    case 'fetching-metadata':
      return {
        prefix: 'Metadata',
        text: `asking ${plural(c.peers, 'peer')}`,
        full: `Fetching the torrent's metadata from ${plural(c.peers, 'peer')}.`,
      };
    case 'trackers-failed':
      return {
        prefix: 'No peers',
        text: `${c.trackers === 1 ? 'the tracker' : `all ${c.trackers} trackers`} failed — ${c.error}`,
        full: `No peers: ${c.trackers === 1 ? 'the only tracker' : `every one of the ${c.trackers} trackers`} failed (${c.error}), and no other source gave an address.`,
      };
    case 'no-candidates':
      return {
        prefix: 'No peers',
        text:
          c.trackers === 0
            ? 'no trackers, and no other source gave an address'
            : `${c.trackersWorking} of ${plural(c.trackers, 'tracker')} answered, with no peers`,
        full:
          c.trackers === 0
            ? 'No peers: the torrent has no trackers, and the DHT, PEX and LSD gave no address yet.'
            : `No peers: ${c.trackersWorking} of ${plural(c.trackers, 'tracker')} answered, but nobody gave an address to dial.`,
      };
    case 'connect-failed':
      return {
        prefix: 'No peers',
        text: `connections failed: ${failureSummary(c.failures)}`,
        full: `No peers: ${plural(c.candidates, 'address', 'addresses')} known, but connecting failed (${failureSummary(c.failures)}).`,
      };
    case 'connecting':
      return {
        prefix: 'No peers',
        text: `dialling ${plural(c.candidates, 'address', 'addresses')}`,
        full: `No peers yet: dialling ${plural(c.candidates, 'known address', 'known addresses')}.`,
      };
    case 'nobody-has-pieces':
      return {
        prefix: 'Slow',
        text: `none of ${plural(c.peers, 'peer')} has the ${plural(c.missingPieces, 'missing piece')}`,
        full: `None of the ${plural(c.peers, 'connected peer')} has any of the ${plural(c.missingPieces, 'piece')} we still need (availability 0).`,
      };
    case 'all-choke-us':
      return {
        prefix: 'Slow',
        text: c.peers === 1 ? 'the only peer with what we need chokes us' : 'every peer chokes us',
        full: `Every one of the ${plural(c.peers, 'peer')} that has what we need chokes us: they upload to others now.`,
      };
    case 'rate-limited':
      return {
        prefix: 'Slow',
        text: `${c.scope === 'global' ? 'download limit' : "this torrent's download limit"} ${formatRate(c.limitBps)} is binding`,
        full: `Downloading as fast as the ${c.scope === 'global' ? 'global' : "torrent's"} download limit of ${formatRate(c.limitBps)} allows.`,
      };
    case 'waiting-for-data':
      return {
        prefix: 'Slow',
        text: `${plural(c.peers, 'peer')} unchoke us but send nothing`,
        full: `${plural(c.peers, 'peer')} with what we need unchoke us, but our requests go unanswered.`,
      };
  }
}

/**
 * The diagnosis line, or null when nothing holds the torrent back. A stalled torrent's line
 * starts "Stalled 45 s:", whatever the cause.
 */
export function diagnosisWords(t: TorrentSummary, nowMs: number): DiagnosisWords | null {
  const d = t.diagnosis;
  if (!d) return null;
  const c = causeWords(d.cause);
  const stalled =
    t.state === 'stalled' && d.stalledSince !== null
      ? `Stalled ${formatEta(Math.max(0, (nowMs - d.stalledSince) / 1000))}`
      : null;
  const prefix = stalled ?? c.prefix;
  return {
    line: `${prefix}: ${c.text}`,
    full: stalled ? `${stalled} (nothing received). ${c.full}` : c.full,
    severity: stalled && d.severity === 'info' ? 'warn' : d.severity,
  };
}

/** Causes the state label already says: the list shows no separate line for them. */
export function saysMoreThanState(t: TorrentSummary): boolean {
  const kind = t.diagnosis?.cause.kind;
  return (
    kind !== undefined &&
    kind !== 'paused' &&
    kind !== 'checking' &&
    kind !== 'queued' &&
    kind !== 'fetching-metadata'
  );
}
