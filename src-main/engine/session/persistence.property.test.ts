/**
 * Property tests of the persisted session list (issue 16, fuzzing of the files we read back):
 * whatever session.json holds (garbage bytes, JSON of the wrong shape, entries with wrong
 * field types), loading it never throws, and every torrent it yields is well typed, so a
 * hand-edited or damaged file can cost at most the damaged entries, never the list.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS } from '../../testing/fuzz';
import { normalizeEntry, SessionStore, type PersistedTorrent } from './persistence';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-persist-prop-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const hexId = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => Buffer.from(b).toString('hex'));
const anyField = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const entry = fc.record(
  {
    id: fc.oneof(hexId, anyField),
    savePath: anyField,
    addedAt: anyField,
    paused: anyField,
    skipFiles: anyField,
    uploadedBytes: anyField,
    downloadedBytes: anyField,
  },
  { requiredKeys: [] },
);
const listFile = fc.oneof(
  fc.record({
    version: fc.constant(1),
    torrents: fc.array(fc.oneof(entry, anyField), { maxLength: 6 }),
  }),
  anyField.map((v) => ({ torrents: v })),
  anyField,
);
const fileText = fc.oneof(
  listFile.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

function wellTyped(t: PersistedTorrent): boolean {
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  return (
    /^[0-9a-f]{40}$/.test(t.id) &&
    typeof t.savePath === 'string' &&
    count(t.addedAt) &&
    typeof t.paused === 'boolean' &&
    Array.isArray(t.skipFiles) &&
    t.skipFiles.every(count) &&
    (t.uploadedBytes === undefined || count(t.uploadedBytes)) &&
    (t.downloadedBytes === undefined || count(t.downloadedBytes))
  );
}

describe('session list properties', () => {
  it('loading any session.json never throws and yields only well-typed torrents', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileText, async (text) => {
        const dir = path.join(root, String(n++));
        fs.mkdirSync(path.join(dir, 'torrents'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'session.json'), text);
        const store = new SessionStore(
          dir,
          () => [],
          () => ({}) as never,
        );
        const loaded = await store.loadList();
        if (loaded.kind === 'ok') {
          expect(loaded.torrents.every(wellTyped)).toBe(true);
          expect(new Set(loaded.torrents.map((t) => t.id)).size).toBe(loaded.torrents.length);
        } else {
          expect(loaded.ids).toEqual([]);
          expect(loaded.reason).toMatch(/session\.json/);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('a wrong field costs that field, not the torrent; a bad id costs the entry', () => {
    const id = 'a'.repeat(40);
    expect(normalizeEntry({ id, savePath: 7, paused: 'no', skipFiles: [1, -2, 'x', 3] })).toEqual({
      id,
      savePath: '',
      addedAt: 0,
      paused: true,
      skipFiles: [1, 3],
      uploadedBytes: undefined,
      downloadedBytes: undefined,
    });
    expect(normalizeEntry({ id: 'A'.repeat(40) })).toBeNull();
    expect(normalizeEntry([id])).toBeNull();
  });
});
