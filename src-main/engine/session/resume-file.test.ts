import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../testing/fixtures';
import { writeFileAtomic } from './atomic-file';
import {
  decodeResume,
  encodeResume,
  prefetchResumeFiles,
  readResumeFile,
  resumeFileName,
} from './resume-file';
import type { ResumeData, ResumeExpectation } from './resume-file';

const dir = tempDir('resume-file');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const id = 'ab'.repeat(20);
const expectation: ResumeExpectation = {
  infoHash: id,
  pieceCount: 10,
  fileCount: 2,
  savePath: path.resolve('/data/dl'),
};

function sample(): ResumeData {
  return {
    infoHash: id,
    savePath: path.resolve('/data/dl'),
    pieceCount: 10,
    verified: new Uint8Array([0xff, 0xc0]),
    files: [{ size: 100, mtimeMs: 1733600000123.456 }, null],
    paused: true,
    uploadedBytes: 5,
    downloadedBytes: 7,
    activeSeconds: 60,
    priorities: ['normal', 'skip'],
    peers: [{ address: '127.0.0.1', port: 6881 }],
    trackers: [['http://127.0.0.1:1/announce']],
    savedAt: 1,
  };
}

function encoded(patch: Record<string, unknown>): unknown {
  return { ...(JSON.parse(encodeResume(sample())) as Record<string, unknown>), ...patch };
}

describe('resume file', () => {
  it('round-trips every field, mtimes to the fraction of a millisecond', () => {
    const back = decodeResume(JSON.parse(encodeResume(sample())), expectation);
    expect(back).toEqual({ data: sample() });
  });

  it.each([
    ['another info-hash', { infoHash: 'cd'.repeat(20) }, /another info-hash/],
    ['a moved save path', { savePath: '/elsewhere' }, /save path/],
    ['a wrong piece count', { pieceCount: 11 }, /piece count/],
    ['a short bitfield', { verified: Buffer.from([0xff]).toString('base64') }, /wrong length/],
    ['spare bits set', { verified: Buffer.from([0xff, 0xff]).toString('base64') }, /spare bits/],
    ['not base64', { verified: '!!' }, /base64/],
    ['a missing file stamp', { files: [[100, 1]] }, /file list/],
    ['a NaN mtime (null in JSON)', { files: [[100, null], null] }, /stamp/],
    ['a negative size', { files: [[-1, 5], null] }, /stamp/],
    ['a fractional counter', { uploadedBytes: 1.5 }, /uploadedBytes/],
    ['a huge counter', { downloadedBytes: 2 ** 60 }, /downloadedBytes/],
    ['a string flag', { paused: 'yes' }, /paused/],
    ['an unknown priority', { priorities: ['normal', 'urgent'] }, /priorities/],
    ['a bad peer port', { peers: [['127.0.0.1', 70000]] }, /peer/],
    ['too many peers', { peers: Array.from({ length: 201 }, () => ['h', 1]) }, /peer/],
    ['a tracker that is not a string', { trackers: [[5]] }, /tracker/],
    ['an unknown version', { version: 9 }, /version/],
  ])('refuses %s with a reason', (_name, patch, reason) => {
    const r = decodeResume(encoded(patch), expectation);
    expect('problem' in r && r.problem).toMatch(reason);
  });

  it('refuses what is not an object', () => {
    expect(decodeResume([1], expectation)).toEqual({ problem: 'it is not an object' });
  });

  it('reads the file, falls back to its backup when damaged, and says why when neither works', async () => {
    const file = path.join(dir, resumeFileName(id, '/data/dl', false));
    expect(await readResumeFile(file, expectation)).toEqual({
      kind: 'none',
      reason: 'no resume file',
    });
    await writeFileAtomic(file, encodeResume(sample()), { keepBackup: true });
    await writeFileAtomic(file, encodeResume({ ...sample(), uploadedBytes: 9 }), {
      keepBackup: true,
    });
    const ok = await readResumeFile(file, expectation);
    expect(ok.kind === 'ok' && ok.data.uploadedBytes).toBe(9);
    // Cut short, as by a crash in a writer that did not rename atomically: the backup serves.
    fs.writeFileSync(file, '{"version":1,"infoH');
    const fromBackup = await readResumeFile(file, expectation);
    expect(fromBackup.kind === 'ok' && fromBackup.data.uploadedBytes).toBe(5);
    fs.writeFileSync(file, encodeResume({ ...sample(), infoHash: 'cd'.repeat(20) }));
    fs.writeFileSync(`${file}.bak`, 'garbage');
    const none = await readResumeFile(file, expectation);
    expect(none.kind).toBe('none');
    expect(none.kind === 'none' && none.reason).toMatch(/damaged: it is for another info-hash/);
  });

  it('prefetched text is checked like a read, and a bad one is read again from disk', async () => {
    const sub = path.join(dir, 'prefetch');
    fs.mkdirSync(sub);
    const file = path.join(sub, `${id}.resume`);
    await writeFileAtomic(file, encodeResume({ ...sample(), uploadedBytes: 3 }));
    const texts = await prefetchResumeFiles(sub);
    expect([...texts.keys()]).toEqual([`${id}.resume`]);
    const fromText = await readResumeFile(file, expectation, texts.get(`${id}.resume`));
    expect(fromText.kind === 'ok' && fromText.data.uploadedBytes).toBe(3);
    // Text that does not check out (another torrent's, or garbage) is not used.
    const other = encodeResume({ ...sample(), infoHash: 'cd'.repeat(20), uploadedBytes: 8 });
    for (const text of [other, '{']) {
      const r = await readResumeFile(file, expectation, text);
      expect(r.kind === 'ok' && r.data.uploadedBytes).toBe(3);
    }
  });

  it('names files by info-hash, and by save path too when asked', () => {
    expect(resumeFileName(id, '/a', false)).toBe(`${id}.resume`);
    const a = resumeFileName(id, '/a', true);
    expect(a).toMatch(new RegExp(`^${id}-[0-9a-f]{16}\\.resume$`));
    expect(resumeFileName(id, '/b', true)).not.toBe(a);
  });
});

// --- piece origins (issue 19) ---
describe('resume data: piece origins', () => {
  const origins = {
    origins: new Uint16Array([1, 0, 2, 2, 0, 0, 0, 0, 0, 1]),
    slots: [
      {
        address: '127.0.0.1:6881',
        client: 'libtorrent 2.0',
        bytes: 32768,
        peerIdHex: 'aa'.repeat(20),
      },
      { address: '[::1]:7000', client: '', bytes: 5, peerIdHex: '' },
    ],
  };
  const roundTrip = (json: unknown) => decodeResume(json, expectation);

  it('round-trips the origins and their slot table', () => {
    const decoded = roundTrip(JSON.parse(encodeResume({ ...sample(), origins })));
    expect('data' in decoded && decoded.data.origins).toEqual(origins);
  });

  it('reads files without origins (older ones) as before', () => {
    const decoded = roundTrip(JSON.parse(encodeResume(sample())));
    expect('data' in decoded && decoded.data.origins).toBeUndefined();
  });

  it('drops malformed origins alone, keeping the rest of the resume data', () => {
    const good = JSON.parse(encodeResume({ ...sample(), origins })) as Record<string, unknown>;
    const field = good.origins as { slots: string; peers: unknown[] };
    const bad: unknown[] = [
      'nope',
      { ...field, slots: Buffer.alloc(18).toString('base64') }, // wrong length
      { ...field, slots: Buffer.from(new Uint16Array(10).fill(3).buffer).toString('base64') }, // slot past the table
      { ...field, peers: [['127.0.0.1:1', 'x', -1, '']] }, // not a count
      { ...field, peers: [['127.0.0.1:1', 'x', 1, 'zz']] }, // not a peer id
      { ...field, peers: new Array(1001).fill(['a', '', 0, '']) }, // past the cap
    ];
    for (const o of bad) {
      const decoded = roundTrip({ ...good, origins: o });
      expect('data' in decoded).toBe(true);
      if ('data' in decoded) {
        expect(decoded.data.origins).toBeUndefined();
        expect(decoded.data.verified).toEqual(sample().verified);
      }
    }
  });
});
