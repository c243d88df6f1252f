/// <reference types="vite/client" />
// (The components import their CSS, which vite types; the tools tsconfig does not include env.d.ts.)
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createPalette } from './palette';
import { PieceMapLegend } from './PieceMapLegend';
import { PieceMap } from './PieceMap';

describe('PieceMapLegend', () => {
  const palette = createPalette('dark');

  it('lists the six states with their canvas colours and counts', () => {
    const html = renderToStaticMarkup(
      <PieceMapLegend palette={palette} overlay="none" counts={[10, 0, 2, 1, 1234, 3]} />,
    );
    for (const name of ['missing', 'requested', 'partial', 'verifying', 'have', 'failed']) {
      expect(html).toContain(`data-piece-state="${name}"`);
    }
    expect(html).toContain(`background:${palette.stateCss[4]}`);
    expect(html).toContain('1,234');
    expect(html).toContain('Verifying');
  });

  it('shows the availability heat scale with the overlay on', () => {
    const html = renderToStaticMarkup(<PieceMapLegend palette={palette} overlay="availability" />);
    expect(html).toContain('Copies in the swarm (ours included)');
    for (const bucket of palette.heat) {
      expect(html).toContain(`data-heat-bucket="${bucket.label}"`);
      expect(html).toContain(`background:${bucket.css}`);
    }
  });
});

describe('PieceMap markup', () => {
  it('renders one focusable canvas, not a node per piece', () => {
    const html = renderToStaticMarkup(
      <PieceMap
        states={new Uint8Array(100_000)}
        availability={new Uint16Array(100_000)}
        version={1}
        overlay="none"
        scheme="light"
      />,
    );
    expect(html.match(/<canvas/g)).toHaveLength(1);
    expect(html).toContain('aria-label="Piece map of 100,000 pieces"');
    expect(html).toContain('tabindex="0"');
    expect(html.length).toBeLessThan(2000);
  });
});
