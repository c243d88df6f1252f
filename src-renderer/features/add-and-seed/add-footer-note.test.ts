import { describe, expect, it } from 'vitest';
import { addFooterNote } from './add-footer-note';

describe('addFooterNote (issue 21: the duplicate dialog)', () => {
  it('shows no size to download for a torrent already complete in the list', () => {
    const note = addFooterNote({
      alreadyAdded: true,
      existing: { progress: 1 },
      wantedBytes: 5 * 1024 * 1024,
      nothingSelected: false,
    });
    expect(note).toBe('Already in the list, complete');
    expect(note).not.toMatch(/to download/);
  });

  it('says how far a duplicate still downloading is', () => {
    expect(
      addFooterNote({
        alreadyAdded: true,
        existing: { progress: 0.4 },
        wantedBytes: 10,
        nothingSelected: false,
      }),
    ).toMatch(/^Already in the list, 40(\.0)?% done$/);
  });

  it('keeps the size to download for a new torrent', () => {
    expect(
      addFooterNote({
        alreadyAdded: false,
        existing: undefined,
        wantedBytes: 2048,
        nothingSelected: false,
      }),
    ).toBe('2.00 KiB to download');
    expect(
      addFooterNote({
        alreadyAdded: false,
        existing: undefined,
        wantedBytes: 0,
        nothingSelected: true,
      }),
    ).toBe('Select at least one file');
  });
});
