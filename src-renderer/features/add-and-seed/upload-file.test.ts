import { describe, expect, it } from 'vitest';
import type { FileUploadChunk } from '../../../src-shared/contract';
import { uploadFile, type UploadableFile } from './upload-file';

/** A host that stores chunks in order, as host-files.ts does, and records each message. */
function fakeHost() {
  const chunks: FileUploadChunk[] = [];
  let stored: number[] = [];
  const api = {
    invoke: async (_name: 'file.upload', req: FileUploadChunk) => {
      chunks.push(req);
      if (req.offset !== stored.length) throw new Error('out of order');
      stored = stored.concat(Array.from(req.bytes));
      return { uploadId: 'u1', path: stored.length === req.size ? '/up/x.bin' : null };
    },
  } as unknown as Parameters<typeof uploadFile>[0];
  return { api, chunks, stored: () => stored };
}

const bytes = new Uint8Array(10).map((_, i) => i);
const asFile = (withSlice: boolean): UploadableFile => ({
  name: 'x.bin',
  size: bytes.length,
  type: '',
  arrayBuffer: async () => bytes.slice().buffer,
  ...(withSlice
    ? { slice: (a: number, b: number) => ({ arrayBuffer: async () => bytes.slice(a, b).buffer }) }
    : {}),
});

describe('uploadFile', () => {
  for (const withSlice of [true, false]) {
    it(`sends a file in order in chunks no larger than the cap (${withSlice ? 'sliced' : 'whole'})`, async () => {
      const host = fakeHost();
      const progress: number[] = [];
      const path = await uploadFile(host.api, asFile(withSlice), (n) => progress.push(n), 4);
      expect(path).toBe('/up/x.bin');
      expect(host.chunks.map((c) => [c.offset, c.bytes.length, c.uploadId])).toEqual([
        [0, 4, undefined],
        [4, 4, 'u1'],
        [8, 2, 'u1'],
      ]);
      expect(host.stored()).toEqual(Array.from(bytes));
      expect(progress).toEqual([4, 8, 10]);
    });
  }

  it('sends an empty file as one empty chunk', async () => {
    const host = fakeHost();
    const empty: UploadableFile = {
      name: 'e',
      size: 0,
      type: '',
      arrayBuffer: async () => new ArrayBuffer(0),
    };
    expect(await uploadFile(host.api, empty)).toBe('/up/x.bin');
    expect(host.chunks).toHaveLength(1);
  });
});
