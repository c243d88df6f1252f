import { pieceStateNames } from '../../../src-shared/model/pieces';
import type { PiecePalette } from './palette';
import type { PieceMapOverlay } from './rasterize';
import { pieceStateLabels } from './range-summary';
import './piece-map.css';

export interface PieceMapLegendProps {
  palette: PiecePalette;
  overlay: PieceMapOverlay;
  /** Pieces per state, indexed by PieceState; shown beside each label when given. */
  counts?: readonly number[];
}

/**
 * What the colours mean: the six piece states, or with the overlay on, the heat scale of how
 * many copies of a piece the swarm holds, ours included (0 stands apart in red: nobody can send
 * it).
 */
export function PieceMapLegend({ palette, overlay, counts }: PieceMapLegendProps) {
  if (overlay === 'availability') {
    return (
      <ul className="piece-map-legend" aria-label="Copies of the piece in the swarm, ours included">
        <li className="piece-map-legend-title">Copies in the swarm (ours included)</li>
        {palette.heat.map((bucket) => (
          <li key={bucket.label} data-heat-bucket={bucket.label}>
            <span
              className="piece-map-swatch"
              style={{ background: bucket.css }}
              aria-hidden="true"
            />
            {bucket.label}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul className="piece-map-legend" aria-label="Piece states">
      {pieceStateNames.map((name, i) => (
        <li key={name} data-piece-state={name}>
          <span
            className="piece-map-swatch"
            style={{ background: palette.stateCss[i] }}
            aria-hidden="true"
          />
          {pieceStateLabels[name]}
          {counts && (
            <span className="piece-map-legend-count">
              {(counts[i] ?? 0).toLocaleString('en-US')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
