/**
 * Sends one picked file to the host in chunks of `maxUploadChunkBytes` (issue 16 item 8: no
 * message of the contract is large). Chunks go one after another, each naming the upload the
 * first one started; the last answer carries the stored file's path.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import { maxUploadChunkBytes } from '../../../src-shared/validate';
import type { PickedFile } from './add-torrents';

/** A picked file; a real `File` can also be read a slice at a time. */
export type UploadableFile = PickedFile & {
  slice?(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
};

export async function uploadFile(
  api: Pick<SwarmscopeApi, 'invoke'>,
  file: UploadableFile,
  onProgress: (sentBytes: number) => void = () => undefined,
  chunkBytes = maxUploadChunkBytes,
): Promise<string> {
  const size = file.size;
  // Without slice (test doubles), read it once and send views of it.
  const whole = file.slice ? null : new Uint8Array(await file.arrayBuffer());
  let uploadId: string | undefined;
  let offset = 0;
  do {
    const end = Math.min(size, offset + chunkBytes);
    const bytes = whole
      ? whole.subarray(offset, end)
      : new Uint8Array(await file.slice!(offset, end).arrayBuffer());
    const reply = await api.invoke('file.upload', {
      name: file.name,
      size,
      offset,
      bytes,
      ...(uploadId ? { uploadId } : {}),
    });
    uploadId = reply.uploadId;
    offset = end;
    onProgress(offset);
    if (reply.path !== null) return reply.path;
  } while (offset < size);
  throw new Error(`the host did not finish storing ${file.name}`);
}
