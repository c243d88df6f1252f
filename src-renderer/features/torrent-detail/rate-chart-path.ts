/**
 * The geometry of the upload-rate chart as pure functions: a "nice" top of the scale and the SVG
 * path of the samples (one a second, oldest first), so the chart is tested without a DOM.
 */

/**
 * The smallest 1, 2 or 5 (times a power of ten) of the binary unit the peak is shown in, at or
 * above `maxBps`, so the scale label reads "2.00 MiB/s" rather than "1.91 MiB/s". At least 1 KiB/s.
 */
export function niceTopBps(maxBps: number): number {
  const v = Math.max(1024, maxBps);
  let unit = 1024;
  while (v / unit >= 1000) unit *= 1024;
  const x = v / unit;
  const exp = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 5, 10]) if (m * exp >= x) return m * exp * unit;
  return 10 * exp * unit;
}

/** Samples shown across the width: at least a minute, at most the five minutes kept. */
export function chartSlots(sampleCount: number): number {
  return Math.min(300, Math.max(60, sampleCount));
}

/**
 * The line and the filled area under it, right-aligned: the newest sample touches the right edge
 * and `slots` samples fill the width, so the chart scrolls left as samples arrive.
 */
export function chartPaths(
  samples: readonly number[],
  widthPx: number,
  heightPx: number,
  topBps: number,
  slots: number,
): { line: string; area: string } {
  if (samples.length === 0 || topBps <= 0) return { line: '', area: '' };
  const step = widthPx / Math.max(1, slots - 1);
  const shown = samples.slice(-slots);
  const x0 = widthPx - (shown.length - 1) * step;
  const pts = shown.map((v, i) => {
    const x = x0 + i * step;
    const y = heightPx - (Math.min(v, topBps) / topBps) * heightPx;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = `M${pts.join('L')}`;
  const area = `${line}L${widthPx.toFixed(1)},${heightPx}L${x0.toFixed(1)},${heightPx}Z`;
  return { line, area };
}
