/**
 * The words for the Timeline tab: a lane's label and an event's tooltip (pointer and keyboard
 * alike, and the live region that reads it out). Pure.
 */
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLane } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { formatBytes } from '../../../lib/format';

export function laneAddress(m: TimelineLane): string {
  return m.address.includes(':') ? `[${m.address}]:${m.port}` : `${m.address}:${m.port}`;
}

/** Transport, encryption and direction, e.g. "uTP · E · in". */
export function laneFlags(m: TimelineLane): string {
  const parts = [m.transport === 'utp' ? 'uTP' : 'TCP'];
  if (m.encrypted) parts.push('E');
  parts.push(m.incoming ? 'in' : 'out');
  return parts.join(' · ');
}

/** The lane in one line, for its accessible description. */
export function describeLane(m: TimelineLane): string {
  const state = m.closeReason ? `closed: ${m.closeReason}` : 'connected';
  return `${laneAddress(m)}, ${m.client}, ${laneFlags(m)}, ${state}`;
}

function clock(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${Math.floor(d.getMilliseconds() / 100)}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export interface EventText {
  title: string;
  detail: string;
  when: string;
  /** A piece run: the piece a click selects. */
  piece: number | null;
}

/** The tooltip of row `row` of a lane; `now` ends spans still open. */
export function describeEvent(lane: TimelineLaneData, row: number, now: number): EventText {
  const o = row * timelineRowStride;
  const r = lane.rows;
  const kind = r[o + 2]!;
  const t0 = r[o + 3]!;
  const open = r[o + 4]! === timelineOpen;
  const t1 = open ? now : r[o + 4]!;
  const a = r[o + 5]!;
  const b = r[o + 6]!;
  const c = r[o + 7]!;
  const span = t1 > t0 ? `${clock(t0)} – ${open ? 'now' : clock(t1)} (${seconds(t1 - t0)})` : '';
  const at = clock(t0);
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  switch (kind) {
    case TimelineKind.connect:
      return text(a ? 'Connected (incoming)' : 'Connected (we dialled)', '', at);
    case TimelineKind.handshake:
      return text('Handshake done', `${a ? 'uTP' : 'TCP'}${b ? ', encrypted' : ''}`, at);
    case TimelineKind.bitfield:
      return text(
        b === 1 ? 'Have all' : b === 2 ? 'Have none' : 'Bitfield',
        count(a, 'piece', 'pieces'),
        at,
      );
    case TimelineKind.peerInterest:
      return text(a ? 'It is interested in us' : 'It is no longer interested', '', at);
    case TimelineKind.ourInterest:
      return text(a ? 'We are interested' : 'We are no longer interested', '', at);
    case TimelineKind.peerUnchoke:
      return text('It unchokes us', open ? 'still unchoked' : 'then choked us', span);
    case TimelineKind.ourUnchoke:
      return text('We unchoke it', open ? 'still unchoked' : 'then choked it', span);
    case TimelineKind.requests:
      return text('Requests', count(a, 'block requested', 'blocks requested'), span || at);
    case TimelineKind.run: {
      const rate = t1 > t0 ? ` · ${formatBytes((b * 1000) / (t1 - t0))}/s` : '';
      const more = c > 1 ? ` (+${c - 1} more)` : '';
      return {
        title: `Piece ${a}${more}`,
        detail: `${formatBytes(b)} received${rate} · click to show on the piece map`,
        when: span || at,
        piece: a,
      };
    }
    case TimelineKind.have:
      return text(count(b, 'have', 'haves'), `last: piece ${a}`, span || at);
    case TimelineKind.reject:
      return text(count(b, 'request rejected', 'requests rejected'), `from piece ${a}`, span || at);
    case TimelineKind.close:
      return text('Closed', lane.meta.closeReason ?? 'unknown reason', at);
    default:
      return text('Event', `kind ${kind}`, at);
  }
}

function text(title: string, detail: string, when: string): EventText {
  return { title, detail, when, piece: null };
}
