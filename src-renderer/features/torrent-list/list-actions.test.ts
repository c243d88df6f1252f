import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../src-shared/contract';
import type { TorrentSummary } from '../../../src-shared/model';
import { ApiError } from '../../api/api-error';
import type { Toast } from '../../store/store';
import {
  pauseTorrents,
  recheckTorrents,
  removeTorrents,
  resumeTorrents,
  toggleAction,
} from './list-actions';

function fakeApi(fail: boolean) {
  const calls: [CommandName, unknown][] = [];
  const api = {
    invoke: (name: CommandName, req: unknown) => {
      calls.push([name, req]);
      return fail ? Promise.reject(new ApiError('io', 'disk on fire')) : Promise.resolve(undefined);
    },
  } as Parameters<typeof pauseTorrents>[0];
  return { api, calls };
}

describe('list actions', () => {
  it('sends one command for the whole selection and nothing for an empty one', async () => {
    const { api, calls } = fakeApi(false);
    const toasts: Omit<Toast, 'id'>[] = [];
    await pauseTorrents(api, ['a', 'b'], (t) => toasts.push(t));
    await resumeTorrents(api, [], (t) => toasts.push(t));
    await removeTorrents(api, ['a'], true, (t) => toasts.push(t), ['ubuntu.iso']);
    expect(calls).toEqual([
      ['torrent.pause', { ids: ['a', 'b'] }],
      ['torrent.remove', { ids: ['a'], deleteData: true }],
    ]);
    expect(toasts).toEqual([
      { level: 'info', title: 'Removed ubuntu.iso', message: 'Its downloaded data was deleted.' },
    ]);
  });

  it('reports failures as error toasts naming the action and the cause', async () => {
    const { api } = fakeApi(true);
    const toasts: Omit<Toast, 'id'>[] = [];
    await resumeTorrents(api, ['a'], (t) => toasts.push(t));
    await removeTorrents(api, ['a', 'b'], false, (t) => toasts.push(t));
    const disk = 'Reading from or writing to the disk failed.';
    expect(toasts.map((t) => [t.level, t.title, t.message, t.detail])).toEqual([
      ['error', 'Could not resume', disk, 'disk on fire'],
      ['error', 'Could not remove', disk, 'disk on fire'],
    ]);
  });

  it('verify local data sends torrent.recheck, and its failure names the action', async () => {
    const ok = fakeApi(false);
    await recheckTorrents(ok.api, ['a', 'b'], () => undefined);
    expect(ok.calls).toEqual([['torrent.recheck', { ids: ['a', 'b'] }]]);
    const bad = fakeApi(true);
    const toasts: Omit<Toast, 'id'>[] = [];
    await recheckTorrents(bad.api, ['a'], (t) => toasts.push(t));
    expect(toasts.map((t) => t.title)).toEqual(['Could not verify local data']);
  });

  it('Space resumes only when everything selected is paused', () => {
    const t = (state: TorrentSummary['state']) => ({ state }) as TorrentSummary;
    expect(toggleAction([])).toBeNull();
    expect(toggleAction([t('paused'), t('paused')])).toBe('resume');
    expect(toggleAction([t('paused'), t('seeding')])).toBe('pause');
  });
});
