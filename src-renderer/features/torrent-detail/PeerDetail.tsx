import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { PeerSnapshot } from '../../../src-shared/model';
import { formatBytes, formatPercent, formatRate } from '../../lib/format';
import { chokeWords, remoteWords } from './peer-why';
import { formatSince } from './relative-time';
import { useNow } from './use-now';

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="peer-detail-row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

/**
 * One peer, both sides (issue 19): our choke decision with its rank, slots or optimistic
 * rotation, its choke and interest toward us, rates and the pieces it has that we need. When
 * the peer leaves, the last view stays, marked as disconnected. Escape or Close returns focus
 * to the row's Why button.
 */
export function PeerDetail({
  peer,
  gone,
  closeReason,
  onClose,
}: {
  peer: PeerSnapshot;
  gone: boolean;
  /** Why it closed, when the host said so. */
  closeReason: string | null;
  onClose(): void;
}) {
  const now = useNow(1000);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [peer.key]);
  const ours = chokeWords(peer.chokeReason, now);
  const theirs = remoteWords(peer.remoteReason, peer.neededPieces);
  const f = peer.flags;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    onClose();
  };
  return (
    <aside className="peer-detail" aria-labelledby="peer-detail-title" onKeyDown={onKey}>
      <div className="peer-detail-top">
        <h3 id="peer-detail-title" ref={heading} tabIndex={-1}>
          {peer.address}:{peer.port}
        </h3>
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      {gone && (
        <p className="peer-detail-gone" role="status">
          {closeReason ? `Disconnected: ${closeReason}.` : 'Disconnected.'}
        </p>
      )}
      <p className="peer-detail-client">
        {peer.client || 'Unknown client'} · {peer.transport === 'utp' ? 'uTP' : 'TCP'}
        {f.encrypted ? ', encrypted' : ''} · {f.incoming ? 'it dialled us' : 'we dialled it'} ·
        connected {formatSince(peer.connectedAt, now)}
      </p>
      <section aria-label="Our side">
        <h4>We {f.amChoking ? 'choke' : 'unchoke'} it</h4>
        <p className="peer-why-sentence">{ours.full}</p>
        <dl>
          {peer.chokeReason?.kind === 'regular' || peer.chokeReason?.kind === 'outranked' ? (
            <>
              <Row term="Rank">
                {peer.chokeReason.rank} of {peer.chokeReason.of}
              </Row>
              <Row term="Regular slots">{peer.chokeReason.slots}</Row>
              <Row term="Ranked by">
                {peer.chokeReason.by === 'download' ? 'its upload to us' : 'our upload to it'}
              </Row>
            </>
          ) : null}
          {peer.chokeReason?.kind === 'optimistic' && (
            <Row term="Optimistic slot rotates">
              in {formatSince(now, peer.chokeReason.rotatesAt)}
            </Row>
          )}
          <Row term="It is interested in us">{yesNo(f.peerInterested)}</Row>
          <Row term="Upload to it">{formatRate(peer.upRateBps)}</Row>
          <Row term="Uploaded">{formatBytes(peer.uploadedBytes)}</Row>
        </dl>
      </section>
      <section aria-label="Its side">
        <h4>It {f.peerChoking ? 'chokes' : 'unchokes'} us</h4>
        <p className="peer-why-sentence">{theirs.full}</p>
        <dl>
          <Row term="We are interested">{yesNo(f.amInterested)}</Row>
          <Row term="Pieces it has that we need">
            {peer.neededPieces === undefined ? '—' : peer.neededPieces.toLocaleString()}
          </Row>
          <Row term="Its progress">{formatPercent(peer.progress)}</Row>
          <Row term="Download from it">{formatRate(peer.downRateBps)}</Row>
          <Row term="Downloaded">{formatBytes(peer.downloadedBytes)}</Row>
          <Row term="Requests in flight">{peer.requestsInFlight}</Row>
          <Row term="Snubbed">{yesNo(f.snubbed)}</Row>
        </dl>
      </section>
    </aside>
  );
}
