/**
 * The origin mode's tooltip line (issue 19): who delivered the pieces under the pointer. Pure,
 * O(range length).
 */
import type { OriginPeer } from '../../../src-shared/model/pieces';
import { PieceState } from '../../../src-shared/model/pieces';
import type { PieceRange } from './layout';
import { originLabel } from './origin-palette';

export function describeOrigins(
  states: Uint8Array,
  origins: Uint16Array,
  peers: readonly OriginPeer[],
  range: PieceRange,
): string | null {
  const slots = new Set<number>();
  let had = 0;
  const last = Math.min(range.last, states.length - 1);
  for (let p = range.first; p <= last; p++) {
    if (states[p] !== PieceState.have) continue;
    had++;
    const slot = (origins[p] as number) | 0;
    slots.add(slot <= peers.length ? slot : 0);
  }
  if (had === 0) return null;
  if (slots.size > 1) return `From ${slots.size.toLocaleString('en-US')} sources`;
  const slot = [...slots][0] as number;
  if (slot === 0) return 'From disk or before a restart';
  return `From ${originLabel(peers[slot - 1] as OriginPeer)}`;
}
