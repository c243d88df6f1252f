/**
 * Why dials and new connections fail (issue 19), counted per torrent since it started, for the
 * "why no peers" diagnosis: refused, timed out, unreachable, the wrong torrent at the other end
 * (handshake mismatch), encryption refused, banned.
 *
 * Invariants: a fixed set of counters (no per-address memory), reset when the torrent starts.
 */
import type { ConnectFailureCounts, ConnectFailureKind } from '../../../src-shared/model';
import type { CloseReason } from '../peer/close-reason';
import { MseError } from '../crypto/mse-error';

export class ConnectFailures {
  private counts: ConnectFailureCounts = {};

  note(kind: ConnectFailureKind | null): void {
    if (kind !== null) this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  snapshot(): ConnectFailureCounts {
    return { ...this.counts };
  }

  reset(): void {
    this.counts = {};
  }
}

/** A dial that never connected: by the socket's errno (or our connect timer's message). */
export function dialFailureKind(err: unknown): ConnectFailureKind {
  if (err instanceof MseError) return 'encryption';
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timed-out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return 'unreachable';
  }
  return /timeout|timed out/i.test(message) ? 'timed-out' : 'other';
}

/**
 * A connection that closed: only the reasons that mean "this address gives us no peer" count;
 * ordinary ends (the peer left, we had enough) are churn, not failures.
 */
export function closeFailureKind(reason: CloseReason): ConnectFailureKind | null {
  switch (reason) {
    case 'info-hash-mismatch':
      return 'handshake-mismatch';
    case 'timeout':
      return 'timed-out';
    case 'banned':
      return 'banned';
    default:
      return null;
  }
}
