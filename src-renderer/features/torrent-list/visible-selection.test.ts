import { describe, expect, it } from 'vitest';
import { withoutHidden } from './visible-selection';

const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe('withoutHidden (issue 21: the details follow the search)', () => {
  it('closes the details of a torrent the search hides, and drops it from the selection', () => {
    const out = withoutHidden(
      { selection: new Set(['a', 'b']), anchor: 'a', detailId: 'a' },
      rows('b', 'c'),
    );
    expect(out).toEqual({ selection: new Set(['b']), anchor: null, detailId: null });
  });

  it('changes nothing while every selected torrent is shown', () => {
    expect(
      withoutHidden({ selection: new Set(['b']), anchor: 'b', detailId: 'b' }, rows('a', 'b')),
    ).toBeNull();
    expect(
      withoutHidden({ selection: new Set(), anchor: null, detailId: null }, rows()),
    ).toBeNull();
  });
});
