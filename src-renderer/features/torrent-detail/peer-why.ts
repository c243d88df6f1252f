/**
 * The explainer's words for one peer (issue 19): a short text for the Peers tab's Why column and
 * a full sentence for its tooltip, its accessible name and the peer detail. Pure; unit-tested.
 */
import type { ChokeReason, PeerEvent, PeerSnapshot, RemoteReason } from '../../../src-shared/model';
import { formatEta } from '../../lib/format';

export interface Words {
  short: string;
  full: string;
}

function ordinalOf(n: number): string {
  const last = n % 10;
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  if (last === 1) return `${n}st`;
  if (last === 2) return `${n}nd`;
  if (last === 3) return `${n}rd`;
  return `${n}th`;
}

const basis = (by: 'download' | 'upload'): string =>
  by === 'download'
    ? 'by its upload rate to us (we download)'
    : 'by our upload rate to it (we seed)';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** In how long a moment comes, for "rotates in 12s"; "now" once it is past. */
function until(atMs: number, nowMs: number): string {
  const sec = Math.round((atMs - nowMs) / 1000);
  return sec <= 0 ? 'now' : `in ${formatEta(sec)}`;
}

/** True when the reason unchokes the peer. */
export function unchokes(r: ChokeReason): boolean {
  return (
    r.kind === 'regular' ||
    r.kind === 'free-slot' ||
    r.kind === 'optimistic' ||
    r.kind === 'unlimited'
  );
}

/** Our side: why we choke or unchoke it. */
export function chokeWords(r: ChokeReason | undefined, nowMs: number): Words {
  if (!r) return { short: '—', full: 'This host does not explain choking.' };
  switch (r.kind) {
    case 'regular':
      return {
        short: `Unchoked: #${r.rank} of ${r.of}`,
        full:
          `We unchoke it: it ranks ${ordinalOf(r.rank)} of ${plural(r.of, 'interested peer')} ` +
          `${basis(r.by)}, within our ${plural(r.slots, 'regular slot')}.`,
      };
    case 'free-slot':
      return {
        short: 'Unchoked: free slot',
        full: `We unchoke it: one of our ${plural(r.slots, 'regular slot')} was free when it became interested; the next rechoke ranks it.`,
      };
    case 'optimistic':
      return {
        short: `Optimistic, rotates ${until(r.rotatesAt, nowMs)}`,
        full: `We unchoke it on the optimistic slot, to try it out; that slot rotates ${until(r.rotatesAt, nowMs)}.`,
      };
    case 'unlimited':
      return {
        short: 'Unchoked: no slot limit',
        full: 'We unchoke it: upload slots are unlimited, so every interested peer is served.',
      };
    case 'outranked':
      return {
        short: `Choked: #${r.rank} > ${r.slots} slots`,
        full:
          `We choke it: it ranks ${ordinalOf(r.rank)} of ${plural(r.of, 'interested peer')} ` +
          `${basis(r.by)}, past our ${plural(r.slots, 'regular slot')}, and it is not the optimistic unchoke.`,
      };
    case 'snubbed':
      return {
        short: 'Choked: snubbed',
        full: 'We choke it: it unchoked us but sent nothing for a while (snubbed), so it earns no regular slot.',
      };
    case 'not-interested':
      return {
        short: 'Choked: not interested',
        full: 'We choke it: it is not interested in anything we have.',
      };
    case 'seed':
      return {
        short: 'Choked: it is a seed',
        full: 'We choke it: it is a seed and needs nothing from us.',
      };
    case 'no-slots':
      return { short: 'Choked: uploads off', full: 'We choke it: uploads are off (0 slots).' };
    case 'undecided':
      return {
        short: 'Waiting for rechoke',
        full: 'Not ranked yet: it connected or became interested after the last rechoke, which runs every 10 s.',
      };
  }
}

/** Its side: why it sends us data or not. */
export function remoteWords(r: RemoteReason | undefined, neededPieces?: number): Words {
  const need =
    neededPieces !== undefined && neededPieces > 0
      ? `; it has ${plural(neededPieces, 'piece')} we need`
      : '';
  if (!r) return { short: '—', full: '' };
  switch (r.kind) {
    case 'sending':
      return { short: 'it sends', full: `It unchokes us and sends what we ask for${need}.` };
    case 'chokes-us':
      return { short: 'it chokes us', full: `It chokes us${need}.` };
    case 'snubbed':
      return {
        short: 'it snubs us',
        full: `It unchoked us but has sent nothing for a while (snubbed)${need}.`,
      };
    case 'nothing-we-need':
      return {
        short: 'has nothing we need',
        full: 'We are not interested: it has nothing we need.',
      };
    case 'nothing-yet':
      return {
        short: 'has nothing yet',
        full: 'We are not interested: it has nothing we need yet (no pieces).',
      };
    case 'we-are-complete':
      return {
        short: 'we need nothing',
        full: 'We have every piece we want: we need nothing from it.',
      };
  }
}

/** The Why column: our side, then its side. */
export function peerWhy(p: PeerSnapshot, nowMs: number): Words {
  const ours = chokeWords(p.chokeReason, nowMs);
  const theirs = remoteWords(p.remoteReason, p.neededPieces);
  if (!p.chokeReason && !p.remoteReason)
    return { short: '—', full: 'No explanation from this host.' };
  return {
    short: theirs.short === '—' ? ours.short : `${ours.short} · ${theirs.short}`,
    full: `${ours.full} ${theirs.full}`.trim(),
  };
}

/** Close reasons (CloseReason) in words; an unknown one shows as sent. */
const closeWords: Record<string, string> = {
  'protocol-error': 'it broke the protocol',
  timeout: 'the handshake timed out',
  'keepalive-timeout': 'it went silent (no keep-alive)',
  'frame-timeout': 'it trickled a message too slowly',
  'remote-closed': 'it closed the connection',
  'socket-error': 'the connection failed',
  banned: 'it is banned',
  duplicate: 'a second connection to the same peer',
  'not-wanted': 'we no longer needed it',
  'too-many-peers': 'too many peers',
  'bad-data': 'it sent data that failed the hash check',
  'info-hash-mismatch': 'it serves another torrent',
  'self-connection': 'it was ourselves',
  shutdown: 'shutting down',
};

/**
 * Why the peer closed, from the newest 'close' event with its key since it connected: "it
 * closed the connection (remote-closed)"; null when none is known.
 */
export function closeReasonOf(closes: readonly PeerEvent[], p: PeerSnapshot): string | null {
  for (let i = closes.length - 1; i >= 0; i--) {
    const e = closes[i] as PeerEvent;
    if (e.peer !== p.key || e.at < p.connectedAt) continue;
    const code = e.detail.split(':')[0] ?? e.detail;
    const words = closeWords[code];
    return words ? `${words} (${e.detail})` : e.detail;
  }
  return null;
}
