import { useMemo, useRef, useState } from 'react';
import { pieceStateNames } from '../../../src-shared/model';
import { PieceMap } from '../../components/piece-map/PieceMap';
import { PieceMapLegend } from '../../components/piece-map/PieceMapLegend';
import { createPalette } from '../../components/piece-map/palette';
import { useColorScheme } from '../../components/piece-map/use-color-scheme';
import { pieceBuffer } from '../../store/detail-slice';
import { pieceCounts, unavailableCount } from '../../store/detail-selectors';
import { useStore } from '../../store/store';
// --- piece origins (issue 19) ---
import { OriginLegend } from '../../components/piece-map/OriginLegend';
import {
  createOriginPalette,
  originKeys,
  originLegend,
} from '../../components/piece-map/origin-palette';
import { describeOrigins } from '../../components/piece-map/origin-tooltip';

/**
 * The canvas piece map with counts per state, a legend, an availability overlay, and a "colour
 * by origin" mode (issue 19). The piece bytes are read from `pieceBuffer` (outside React); only
 * `piecesVersion` drives re-rendering.
 */
export function PiecesTab() {
  const version = useStore((s) => s.piecesVersion);
  // --- timeline (issue 19): a piece picked on the Timeline tab.
  const selectedPiece = useStore((s) => s.selectedPiece);
  const selectPiece = useStore((s) => s.selectPiece);
  const [overlay, setOverlay] = useState<'none' | 'availability'>('none');
  const [byOrigin, setByOrigin] = useState(false);
  const scheme = useColorScheme();
  const palette = useMemo(() => createPalette(scheme), [scheme]);
  // --- piece origins (issue 19): one colour key per piece, rebuilt in place at each update.
  const originPalette = useMemo(() => createOriginPalette(scheme), [scheme]);
  const keysRef = useRef<{ keys: Uint8Array; signature: string }>({
    keys: new Uint8Array(0),
    signature: '',
  });
  const origin = useMemo(() => {
    void version;
    if (!byOrigin) return null;
    const origins = pieceBuffer.origins ?? new Uint16Array(0);
    const peers = pieceBuffer.originPeers ?? [];
    const legend = originLegend(pieceBuffer.states, origins, peers, scheme);
    const kept = keysRef.current;
    const fresh = kept.keys.length !== pieceBuffer.states.length;
    if (fresh) kept.keys = new Uint8Array(pieceBuffer.states.length);
    originKeys(pieceBuffer.states, origins, legend.keyBySlot, kept.keys);
    // A new ranking recolours pieces that did not change: then the whole map is repainted.
    const sameMapping = !fresh && kept.signature === legend.signature;
    kept.signature = legend.signature;
    return { legend, keys: kept.keys, sameMapping };
  }, [version, byOrigin, scheme]);
  // Counting is O(pieces) per update (about 4 Hz): 100k bytes, well under a millisecond.
  const { counts, rare } = useMemo(() => {
    void version;
    return {
      counts: pieceCounts(pieceBuffer.states),
      rare: unavailableCount(pieceBuffer.states, pieceBuffer.availability),
    };
  }, [version]);
  const countList = useMemo(() => pieceStateNames.map((n) => counts[n]), [counts]);
  const total = pieceBuffer.states.length;
  if (total === 0) return <div className="tab-waiting">Loading pieces…</div>;
  return (
    <div className="tab-body pieces-tab">
      <div className="tab-toolbar">
        <span className="tab-summary" data-testid="piece-summary">
          <strong data-testid="piece-have">{counts.have.toLocaleString('en-US')}</strong> of{' '}
          <strong data-testid="piece-total">{total.toLocaleString('en-US')}</strong> pieces
          {rare > 0 && counts.have < total ? ` · ${rare.toLocaleString('en-US')} with no peer` : ''}
        </span>
        <span className="tab-spacer" />
        {selectedPiece !== null && (
          <span className="piece-selected" data-testid="piece-selected">
            Piece {selectedPiece.toLocaleString('en-US')} selected{' '}
            <button
              type="button"
              className="button button-small"
              aria-label={`Clear the selection of piece ${selectedPiece}`}
              onClick={() => selectPiece(null)}
            >
              Clear
            </button>
          </span>
        )}
        <label className="toggle">
          <input
            type="checkbox"
            checked={overlay === 'availability'}
            onChange={(e) => {
              setOverlay(e.currentTarget.checked ? 'availability' : 'none');
              if (e.currentTarget.checked) setByOrigin(false);
            }}
          />
          Availability overlay
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            checked={byOrigin}
            data-testid="piece-origin-toggle"
            onChange={(e) => {
              setByOrigin(e.currentTarget.checked);
              if (e.currentTarget.checked) setOverlay('none');
            }}
          />
          Colour by origin
        </label>
      </div>
      <div className="piece-legend-row">
        {origin ? (
          <OriginLegend legend={origin.legend} />
        ) : (
          <PieceMapLegend palette={palette} overlay={overlay} counts={countList} />
        )}
      </div>
      <div className="piece-map-box">
        <PieceMap
          states={pieceBuffer.states}
          availability={pieceBuffer.availability}
          version={version}
          changed={origin && !origin.sameMapping ? undefined : (pieceBuffer.changed ?? undefined)}
          overlay={overlay}
          scheme={scheme}
          paint={origin?.keys}
          palette={origin ? originPalette : undefined}
          describeExtra={
            origin
              ? (range) =>
                  describeOrigins(
                    pieceBuffer.states,
                    pieceBuffer.origins ?? new Uint16Array(0),
                    pieceBuffer.originPeers ?? [],
                    range,
                  )
              : undefined
          }
          selectedPiece={selectedPiece}
        />
      </div>
    </div>
  );
}
