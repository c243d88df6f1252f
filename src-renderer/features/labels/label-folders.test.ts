import { describe, expect, it } from 'vitest';
import { labelFolderRows, labelFoldersPatch } from './label-folders';

describe('label folders in Settings (issue 21)', () => {
  it('round-trip, sorted, skipping empty rows', () => {
    const rows = labelFolderRows({ movies: '/m', Books: '/b' });
    expect(rows).toEqual([
      { label: 'Books', folder: '/b' },
      { label: 'movies', folder: '/m' },
    ]);
    expect(labelFoldersPatch([...rows, { label: ' ', folder: '' }])).toEqual({
      ok: true,
      map: { Books: '/b', movies: '/m' },
    });
  });

  it('say what is missing or doubled', () => {
    expect(labelFoldersPatch([{ label: '', folder: '/x' }])).toEqual({
      ok: false,
      problem: 'Name the label for /x.',
    });
    expect(labelFoldersPatch([{ label: 'A', folder: ' ' }])).toEqual({
      ok: false,
      problem: 'Choose a folder for A.',
    });
    expect(
      labelFoldersPatch([
        { label: 'A', folder: '/1' },
        { label: ' A ', folder: '/2' },
      ]),
    ).toEqual({ ok: false, problem: 'A is listed twice.' });
  });
});
