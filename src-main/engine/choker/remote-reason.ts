/**
 * The peer's side of the explainer (issue 19): why it sends us data or not, read from its choke
 * flag, our interest (which the downloader keeps equal to "it has a piece we want") and whether
 * it has any piece at all. Pure.
 */
import type { RemoteReason } from '../../../src-shared/model';

export interface RemoteView {
  /** We are interested: it has at least one piece we still want. */
  amInterested: boolean;
  peerChoking: boolean;
  snubbed: boolean;
  /** It has at least one piece (a bitfield, have-all or a have). */
  hasPieces: boolean;
  /** We hold every piece we want. */
  weAreComplete: boolean;
}

export function remoteReason(v: RemoteView): RemoteReason {
  if (v.weAreComplete) return { kind: 'we-are-complete' };
  if (!v.amInterested) return { kind: v.hasPieces ? 'nothing-we-need' : 'nothing-yet' };
  if (v.peerChoking) return { kind: 'chokes-us' };
  if (v.snubbed) return { kind: 'snubbed' };
  return { kind: 'sending' };
}
