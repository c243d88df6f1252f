import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PeerEvent, PeerEventType } from '../../../src-shared/model';
import { VirtualList } from '../../components/virtual-list/VirtualList';
import { filterLog, logPeers } from '../../store/detail-selectors';
import { maxLogEntries } from '../../store/detail-slice';
import { useStore } from '../../store/store';

const rowPx = 22;
/** Within this distance of the bottom the view counts as "at the live end". */
const followSlackPx = 24;

/** Message types grouped the way people look for them. */
const typeGroups: { label: string; types: PeerEventType[] }[] = [
  { label: 'Connection', types: ['connect', 'handshake', 'extended-handshake', 'close'] },
  { label: 'Choking', types: ['choke', 'unchoke', 'interested', 'not-interested'] },
  { label: 'Have', types: ['have', 'bitfield', 'allowed-fast'] },
  { label: 'Requests', types: ['request', 'cancel', 'reject'] },
  { label: 'Pieces', types: ['piece', 'hash-failed'] },
  { label: 'Extended', types: ['extended'] },
];

const dirMarks: Record<PeerEvent['dir'], string> = { in: '←', out: '→', local: '•' };
const dirTitles: Record<PeerEvent['dir'], string> = {
  in: 'received from the peer',
  out: 'sent to the peer',
  local: 'our own decision',
};

function timeOfDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function LogLine({ e }: { e: PeerEvent }) {
  return (
    <>
      <span className="vcell l-time mono" role="cell">
        {timeOfDay(e.at)}
      </span>
      <span className="vcell l-peer mono" role="cell" title={e.peer}>
        {e.peer}
      </span>
      <span className="vcell l-dir" role="cell" title={dirTitles[e.dir]} data-dir={e.dir}>
        {dirMarks[e.dir]}
      </span>
      <span className="vcell l-type" role="cell" data-type={e.type}>
        {e.type}
      </span>
      <span className="vcell grow l-detail mono" role="cell" title={e.detail}>
        {e.detail}
      </span>
    </>
  );
}

/**
 * The torrent's protocol event stream. Follows the live end; scrolling up pauses following
 * (new entries still arrive) until "Jump to live". At most `maxLogEntries` are kept.
 */
export function LogTab() {
  const log = useStore((s) => s.log);
  const [peer, setPeer] = useState<string | null>(null);
  const [groups, setGroups] = useState<ReadonlySet<string>>(new Set());
  const [follow, setFollow] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);

  const types = useMemo(
    () => new Set(typeGroups.filter((g) => groups.has(g.label)).flatMap((g) => g.types)),
    [groups],
  );
  const shown = useMemo(() => filterLog(log, { peer, types }), [log, peer, types]);
  const peers = useMemo(() => logPeers(log), [log]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [shown, follow]);

  const toggleGroup = (label: string) =>
    setGroups((old) => {
      const next = new Set(old);
      if (next.has(label)) next.delete(label);
      else next.add(label);
      return next;
    });

  return (
    <div className="tab-body log-tab">
      <div className="tab-toolbar">
        <select
          className="log-peer"
          aria-label="Filter by peer"
          value={peer ?? ''}
          onChange={(e) => setPeer(e.currentTarget.value || null)}
        >
          <option value="">All peers</option>
          {peers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <div className="log-types" role="group" aria-label="Filter by message type">
          {typeGroups.map((g) => (
            <button
              key={g.label}
              type="button"
              className="filter-chip"
              aria-pressed={groups.has(g.label)}
              title={g.types.join(', ')}
              onClick={() => toggleGroup(g.label)}
            >
              {g.label}
            </button>
          ))}
        </div>
        <span className="tab-spacer" />
        <span className="tab-summary" title={`The newest ${maxLogEntries} entries are kept`}>
          {shown.length === log.length
            ? `${log.length} entries`
            : `${shown.length} of ${log.length}`}
        </span>
      </div>
      <div className="log-wrap">
        <VirtualList
          label="Protocol log"
          className="log-list"
          items={shown}
          rowPx={rowPx}
          scrollRef={scrollRef}
          rowKey={(e, i) => `${e.at}-${i}`}
          renderRow={(e) => <LogLine e={e} />}
          onScroll={(el) => {
            const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= followSlackPx;
            if (atEnd !== follow) setFollow(atEnd);
          }}
          header={
            <>
              <span className="vcell l-time" role="columnheader">
                Time
              </span>
              <span className="vcell l-peer" role="columnheader">
                Peer
              </span>
              <span className="vcell l-dir" role="columnheader" title="Direction">
                Dir
              </span>
              <span className="vcell l-type" role="columnheader">
                Type
              </span>
              <span className="vcell grow" role="columnheader">
                Detail
              </span>
            </>
          }
          empty={<div className="tab-empty">No protocol events yet.</div>}
        />
        {!follow && (
          <button
            type="button"
            className="button button-primary jump-live"
            onClick={() => {
              setFollow(true);
              const el = scrollRef.current;
              if (el) el.scrollTop = el.scrollHeight;
            }}
          >
            ↓ Jump to live
          </button>
        )}
      </div>
    </div>
  );
}
