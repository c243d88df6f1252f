import { describe, expect, it } from 'vitest';
import { normalizeEntry } from './persistence';

const id = 'cd'.repeat(20);
const entry = { id, savePath: '/dl', addedAt: 1, paused: false, skipFiles: [] };

describe("session.json keeps a torrent's label (issue 21)", () => {
  it('reads it back, and drops one a hand edit broke', () => {
    expect(normalizeEntry({ ...entry, label: 'Linux ISOs' })?.label).toBe('Linux ISOs');
    expect(normalizeEntry({ ...entry, label: '  a   b ' })?.label).toBe('a b');
    expect(normalizeEntry(entry)?.label).toBeUndefined();
    expect(normalizeEntry({ ...entry, label: 42 })?.label).toBeUndefined();
    expect(normalizeEntry({ ...entry, label: 'x'.repeat(500) })?.label).toBeUndefined();
    expect(normalizeEntry({ ...entry, label: 'a\u0000b' })?.label).toBeUndefined();
  });
});
