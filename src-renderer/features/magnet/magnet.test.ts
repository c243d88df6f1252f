import { describe, expect, it } from 'vitest';
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { TorrentPreview } from '../../../src-shared/model';
import type { Toast } from '../../store/store';
import { startAdd } from '../add-and-seed/add-torrents';
import { addMagnet, awaitingFiles, metadataArrived } from './magnet-flow';
import { fetchingText, findMagnet, isTextEntry } from './magnet-text';

const ID = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
const LINK = `magnet:?xt=urn:btih:${ID}&dn=x&x.pe=127.0.0.1:1`;

type Api = Pick<SwarmscopeApi, 'invoke'>;

/** An api that records each call and answers from `answers` by command name. */
function fakeApi(answers: Record<string, unknown> = {}) {
  const calls: [string, unknown][] = [];
  const api = {
    invoke: (async (name: string, req: unknown) => {
      calls.push([name, req]);
      const a = answers[name];
      if (a instanceof Error) throw { code: 'invalid-torrent', message: a.message };
      return a;
    }) as Api['invoke'],
  };
  return { api, calls };
}

const preview: TorrentPreview = {
  id: ID,
  name: 'x',
  sizeBytes: 3,
  pieceLength: 16384,
  pieceCount: 1,
  files: [
    { index: 0, path: 'x/a', sizeBytes: 1 },
    { index: 1, path: 'x/b', sizeBytes: 2 },
  ],
  trackers: [],
  private: false,
  comment: null,
  createdBy: null,
  creationDate: null,
  alreadyAdded: true,
};

describe('magnet text', () => {
  it('finds the first magnet link in pasted or dropped text', () => {
    expect(findMagnet(LINK)).toBe(LINK);
    expect(findMagnet(`see <${LINK}> now`)).toBe(LINK);
    expect(findMagnet(`http://x\n  ${LINK}\nmore`)).toBe(LINK);
    expect(findMagnet('MAGNET:?xt=urn:btih:abc')).toBe('MAGNET:?xt=urn:btih:abc');
    expect(findMagnet('no link here')).toBeNull();
    expect(findMagnet(`magnet:?${'a'.repeat(70_000)}`)).toBeNull();
  });

  it('leaves a paste in a text field to the field', () => {
    expect(isTextEntry({ tagName: 'INPUT' })).toBe(true);
    expect(isTextEntry({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextEntry({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTextEntry({ tagName: 'BODY' })).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });

  it('says how many peers a fetching magnet has', () => {
    expect(fetchingText({ peers: 0 })).toBe('Fetching metadata · 0 peers');
    expect(fetchingText({ peers: 1 })).toBe('Fetching metadata · 1 peer');
  });
});

describe('magnet flow', () => {
  it('adds with chooseFiles and waits for the metadata; a refusal is a toast', async () => {
    const toasts: Omit<Toast, 'id'>[] = [];
    const { api, calls } = fakeApi({ 'torrent.add': { id: ID } });
    expect(await addMagnet(api, LINK, (t) => toasts.push(t))).toBe(ID);
    expect(calls).toEqual([['torrent.add', { magnet: LINK, chooseFiles: true }]]);
    expect(awaitingFiles.has(ID)).toBe(true);
    awaitingFiles.clear();
    const bad = fakeApi({
      'torrent.add': new Error('not a valid magnet link: magnet.xt: missing'),
    });
    expect(await addMagnet(bad.api, 'magnet:?dn=x', (t) => toasts.push(t))).toBeNull();
    expect(toasts.at(-1)).toMatchObject({
      level: 'error',
      message: 'This is not a magnet link Swarmscope can read.',
      detail: 'not a valid magnet link: magnet.xt: missing',
    });
  });

  it('opens the add dialog from the torrent the metadata became, and Add finishes it', async () => {
    const torrentFile = new Uint8Array([1, 2, 3]);
    const { api, calls } = fakeApi({
      'torrent.export': { name: 'x.torrent', torrentFile },
      'torrent.inspect': preview,
    });
    const item = await metadataArrived(api, ID, () => undefined);
    expect(item).toEqual({
      fileName: 'x.torrent',
      torrentFile,
      preview: { ...preview, alreadyAdded: false },
      magnetId: ID,
    });
    calls.length = 0;
    const ok = await startAdd(api, item!, { skipFiles: [1], paused: false }, () => undefined);
    expect(ok).toBe(true);
    expect(calls).toEqual([
      ['torrent.setFilePriority', { id: ID, files: [1], priority: 'skip' }],
      ['torrent.resume', { ids: [ID] }],
    ]);
  });
});
