/**
 * The Lab view (issue 19): the open lab's status (time, leechers done, pieces out in the swarm,
 * bans), its actions (remove the original seeder, pause or resume a peer, add a peer, close),
 * and the peers × pieces matrix with one labelled row per peer. The app's usual views watch the
 * same swarm through the observer torrent, which "Watch in the list" selects.
 */
import { useEffect, useState } from 'react';
import type { LabAction, LabPeerView, LabRole, LabView as Lab } from '../../../src-shared/model';
import { labRoles } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { formatBytes, formatRate } from '../../lib/format';
import { useStore } from '../../store/store';
import { LabMatrix } from './LabMatrix';
import { removeSeederNotYet } from './lab-words';
import { MATRIX_ROW_PX } from './matrix-layout';
import './lab.css';

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const roleLabel: Record<LabRole, string> = {
  seeder: 'Seeder',
  leecher: 'Leecher',
  freeloader: 'Freeloader',
  corrupt: 'Corrupt peer',
};

function PeerRow({
  peer,
  pieceCount,
  act,
}: {
  peer: LabPeerView;
  pieceCount: number;
  act(a: LabAction): void;
}) {
  const pct = pieceCount ? Math.floor((100 * peer.haveCount) / pieceCount) : 0;
  const canPause = peer.status === 'running';
  const canResume = peer.status === 'paused';
  return (
    <li className="lab-row" style={{ height: MATRIX_ROW_PX }} data-role={peer.role}>
      <span className="lab-role-dot" aria-hidden="true" />
      <span className="lab-row-name" title={peer.error ?? roleLabel[peer.role]}>
        {peer.name}
      </span>
      <span className="lab-row-status" data-status={peer.status}>
        {/* Removed, paused or away says more than a copy verified before. */}
        {peer.verified && peer.status === 'running' ? 'verified' : peer.status}
      </span>
      <span className="lab-row-pct mono">{pct}%</span>
      <button
        type="button"
        className="lab-row-button"
        disabled={!canPause && !canResume}
        aria-label={`${canResume ? 'Resume' : 'Pause'} ${peer.name}`}
        onClick={() => act({ kind: canResume ? 'resume' : 'pause', peer: peer.id })}
      >
        {canResume ? '▶' : '❚❚'}
      </button>
    </li>
  );
}

export function LabPanel() {
  const lab = useStore((s) => s.lab);
  const shown = useStore((s) => s.labViewShown);
  return lab && shown ? <LabViewBody lab={lab} /> : null;
}

function LabViewBody({ lab }: { lab: Lab }) {
  const applyLabState = useStore((s) => s.applyLabState);
  const showLabView = useStore((s) => s.showLabView);
  const setSelection = useStore((s) => s.setSelection);
  const observed = useStore((s) => s.torrents.has(lab.infoHashHex));
  const [error, setError] = useState<string | null>(null);
  const [role, setRole] = useState<LabRole>('leecher');
  const [busy, setBusy] = useState(false);
  // Which action the refusal answered: "not yet" for the original seeder is said live below.
  const [refused, setRefused] = useState<LabAction['kind'] | null>(null);
  // A refusal explains the moment it happened; once the lab has moved on it no longer holds.
  useEffect(() => setError(null), [lab.status, lab.piecesOut === lab.pieceCount]);

  const run = async (fn: () => Promise<void>, kind: LabAction['kind'] | null = null) => {
    setBusy(true);
    setError(null);
    setRefused(null);
    try {
      await fn();
    } catch (err) {
      setError(toApiError(err).message);
      setRefused(kind);
    } finally {
      setBusy(false);
    }
  };
  const act = (action: LabAction) =>
    void run(
      async () => applyLabState(await getClient().invoke('lab.action', action)),
      action.kind,
    );
  const closeLab = () =>
    void run(async () => {
      await getClient().invoke('lab.close', {});
      applyLabState(null);
    });

  const leechers = lab.peers.filter((p) => p.role === 'leecher');
  const verified = leechers.filter((p) => p.verified).length;
  const rate = lab.peers.reduce((n, p) => n + p.downRateBps, 0);
  const allOut = lab.piecesOut === lab.pieceCount;
  const notYet = refused === 'remove-original-seeder' ? removeSeederNotYet(lab) : null;
  const shownError = error === null ? null : (notYet ?? error);
  return (
    <section className="lab-view" aria-label="Swarm lab" data-testid="lab-view">
      <header className="lab-header">
        <div className="lab-title">
          <h2>Swarm lab</h2>
          <span className="lab-subtitle">
            {lab.name} · {formatBytes(lab.sizeBytes)} · {lab.pieceCount} pieces of{' '}
            {formatBytes(lab.pieceLength)}
          </span>
        </div>
        <div className="lab-status" role="status" aria-live="polite" data-testid="lab-status">
          <span className="lab-badge" data-status={lab.status}>
            {lab.status === 'complete' ? 'Complete' : lab.status}
          </span>
          <span>{seconds(lab.elapsedMs)}</span>
          <span>
            Leechers verified{' '}
            <strong>
              {verified}/{leechers.length}
            </strong>
          </span>
          <span>
            Pieces out in the swarm{' '}
            <strong>
              {lab.piecesOut}/{lab.pieceCount}
            </strong>
          </span>
          <span>
            Swarm download <strong>{formatRate(rate)}</strong>
          </span>
          <span>Bans {lab.bans.length}</span>
          {lab.fullDistributionMs !== null && (
            <span>Full distribution in {seconds(lab.fullDistributionMs)}</span>
          )}
        </div>
      </header>
      <div className="lab-actions" role="toolbar" aria-label="Lab actions">
        <button
          type="button"
          className="button"
          disabled={busy || lab.originalSeederRemoved}
          title={
            allOut
              ? 'Every piece is held by another peer: the swarm can go on without it'
              : 'Possible once every piece is held by another honest peer'
          }
          onClick={() => act({ kind: 'remove-original-seeder' })}
        >
          {lab.originalSeederRemoved ? 'Original seeder removed' : 'Remove original seeder'}
        </button>
        <select
          className="input lab-add"
          value={role}
          aria-label="Role of the peer to add"
          onChange={(e) => setRole(e.target.value as LabRole)}
        >
          {labRoles.map((r) => (
            <option key={r} value={r}>
              {roleLabel[r]}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => act({ kind: 'add', role })}
        >
          Add peer
        </button>
        <span className="toolbar-gap" />
        {observed && (
          <button
            type="button"
            className="button"
            onClick={() =>
              setSelection(new Set([lab.infoHashHex]), lab.infoHashHex, lab.infoHashHex)
            }
          >
            Watch in the list
          </button>
        )}
        <button type="button" className="button" onClick={() => showLabView(false)}>
          Hide
        </button>
        <button type="button" className="button" disabled={busy} onClick={closeLab}>
          Close lab
        </button>
      </div>
      {(shownError ?? lab.message) && (
        <div className="form-error lab-error" role="alert">
          {shownError ?? lab.message}
        </div>
      )}
      <div className="lab-body">
        <ol className="lab-rows" aria-label="Lab peers">
          {lab.peers.map((p) => (
            <PeerRow key={p.id} peer={p} pieceCount={lab.pieceCount} act={act} />
          ))}
        </ol>
        <LabMatrix lab={lab} />
      </div>
      {lab.bans.length > 0 && (
        <details className="lab-bans">
          <summary>Bans ({lab.bans.length})</summary>
          <ul>
            {lab.bans.map((b, i) => (
              <li key={i}>
                <strong>{b.by}</strong> banned <strong>{b.banned}</strong> at {seconds(b.atMs)}:{' '}
                {b.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
