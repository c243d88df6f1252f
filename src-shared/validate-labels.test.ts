import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate';

const id = 'ab'.repeat(20);

describe('labels at the host boundary (issue 21)', () => {
  it('torrent.setLabel stores the label normalized, and null clears it', () => {
    expect(validateRequest('torrent.setLabel', { ids: [id], label: '  Linux   ISOs ' })).toEqual({
      ids: [id],
      label: 'Linux ISOs',
    });
    expect(validateRequest('torrent.setLabel', { ids: [id], label: null })).toEqual({
      ids: [id],
      label: null,
    });
    expect(validateRequest('torrent.setLabel', { ids: [id], label: '  ' })).toEqual({
      ids: [id],
      label: null,
    });
  });

  it('torrent.add takes a label; an empty one is none', () => {
    const file = new Uint8Array([1]);
    expect(validateRequest('torrent.add', { torrentFile: file, label: 'Books' })).toMatchObject({
      label: 'Books',
    });
    expect(validateRequest('torrent.add', { torrentFile: file, label: ' ' })).not.toHaveProperty(
      'label',
    );
    expect(() => validateRequest('torrent.add', { torrentFile: file, label: 3 })).toThrow(
      /label must be a string/,
    );
  });

  it('settings.set takes the label folders as a whole map', () => {
    expect(
      validateRequest('settings.set', { labelSavePaths: { ' Movies ': '/media/movies' } }),
    ).toEqual({ labelSavePaths: { Movies: '/media/movies' } });
    const bad = (labelSavePaths: unknown, re: RegExp) =>
      expect(() => validateRequest('settings.set', { labelSavePaths })).toThrow(re);
    bad(['/x'], /labelSavePaths must be an object/);
    bad({ '': '/x' }, /not a usable label/);
    bad({ ['x'.repeat(65)]: '/x' }, /not a usable label/);
    bad({ Movies: '' }, /must be a folder path/);
    bad({ Movies: 7 }, /must be a folder path/);
    const many = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`l${i}`, '/x']));
    bad(many, /at most 256/);
  });
});
