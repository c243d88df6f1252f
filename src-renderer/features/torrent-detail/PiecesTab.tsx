import { useMemo, useState } from 'react';
import { pieceStateNames } from '../../../src-shared/model';
import { PieceMap } from '../../components/piece-map/PieceMap';
import { PieceMapLegend } from '../../components/piece-map/PieceMapLegend';
import { createPalette } from '../../components/piece-map/palette';
import { useColorScheme } from '../../components/piece-map/use-color-scheme';
import { pieceBuffer } from '../../store/detail-slice';
import { pieceCounts, unavailableCount } from '../../store/detail-selectors';
import { useStore } from '../../store/store';

/**
 * The canvas piece map with counts per state, a legend, and an availability overlay. The piece
 * bytes are read from `pieceBuffer` (outside React); only `piecesVersion` drives re-rendering.
 */
export function PiecesTab() {
  const version = useStore((s) => s.piecesVersion);
  // --- timeline (issue 19): a piece picked on the Timeline tab.
  const selectedPiece = useStore((s) => s.selectedPiece);
  const selectPiece = useStore((s) => s.selectPiece);
  const [overlay, setOverlay] = useState<'none' | 'availability'>('none');
  const scheme = useColorScheme();
  const palette = useMemo(() => createPalette(scheme), [scheme]);
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
            onChange={(e) => setOverlay(e.currentTarget.checked ? 'availability' : 'none')}
          />
          Availability overlay
        </label>
      </div>
      <div className="piece-legend-row">
        <PieceMapLegend palette={palette} overlay={overlay} counts={countList} />
      </div>
      <div className="piece-map-box">
        <PieceMap
          states={pieceBuffer.states}
          availability={pieceBuffer.availability}
          version={version}
          changed={pieceBuffer.changed ?? undefined}
          overlay={overlay}
          scheme={scheme}
          selectedPiece={selectedPiece}
        />
      </div>
    </div>
  );
}
