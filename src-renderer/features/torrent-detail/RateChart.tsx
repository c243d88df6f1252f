import { formatRate } from '../../lib/format';
import { chartPaths, chartSlots, niceTopBps } from './rate-chart-path';

const widthPx = 600;
const heightPx = 120;

/** A small SVG area chart of upload rate over time; scales with its box. */
export function RateChart({ samplesBps }: { samplesBps: readonly number[] }) {
  const top = niceTopBps(samplesBps.reduce((m, x) => Math.max(m, x), 0));
  const { line, area } = chartPaths(
    samplesBps,
    widthPx,
    heightPx,
    top,
    chartSlots(samplesBps.length),
  );
  return (
    <div className="rate-chart-box">
      <span className="chart-label">{formatRate(top)}</span>
      <svg
        className="rate-chart"
        viewBox={`0 0 ${widthPx} ${heightPx}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Upload rate over time, scale up to ${formatRate(top)}`}
      >
        {[0.25, 0.5, 0.75].map((f) => (
          <line
            key={f}
            className="chart-grid"
            x1={0}
            x2={widthPx}
            y1={heightPx * f}
            y2={heightPx * f}
          />
        ))}
        {area && <path className="chart-area" d={area} />}
        {line && <path className="chart-line" d={line} vectorEffect="non-scaling-stroke" />}
      </svg>
    </div>
  );
}
