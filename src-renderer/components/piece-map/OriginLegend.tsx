import type { OriginLegend as Legend } from './origin-palette';
import './piece-map.css';

/**
 * The origin mode's legend (issue 19): the top peers by verified pieces delivered, each with its
 * hue and count, then "other peers" and "from disk or before a restart".
 */
export function OriginLegend({ legend }: { legend: Legend }) {
  return (
    <ul className="piece-map-legend" aria-label="Who delivered the verified pieces">
      <li className="piece-map-legend-title">Delivered by</li>
      {legend.entries.length === 0 && <li>No verified pieces yet</li>}
      {legend.entries.map((e) => (
        <li key={`${e.key}:${e.slot}`} data-origin-key={e.key}>
          <span className="piece-map-swatch" style={{ background: e.css }} aria-hidden="true" />
          {e.label}
          <span className="piece-map-legend-count">{e.pieces.toLocaleString('en-US')}</span>
        </li>
      ))}
    </ul>
  );
}
