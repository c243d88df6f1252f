import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../src-shared/model';
import { defaultMove, folderProblem, setLocation } from './set-location';

describe('set location', () => {
  it('moves by default, but points at the data after "files missing"', () => {
    expect(defaultMove({ errorCode: null })).toBe(true);
    expect(defaultMove({})).toBe(true);
    expect(defaultMove({ errorCode: 'io' })).toBe(true);
    expect(defaultMove({ errorCode: 'files-missing' })).toBe(false);
  });

  it('refuses an empty folder, and a move onto the folder the files are in', () => {
    expect(folderProblem('  ', '/data', true)).toBe('Choose a folder');
    expect(folderProblem('/data/', '/data', true)).toBe('The files are already in this folder');
    expect(folderProblem('/data', '/data', false)).toBe(null);
    expect(folderProblem('/elsewhere', '/data', true)).toBe(null);
  });

  it('sends torrent.setLocation, and turns a refusal into one error toast', async () => {
    const calls: unknown[] = [];
    const toasts: { title: string; message: string }[] = [];
    const ok = await setLocation(
      { invoke: (async (name: string, req: unknown) => void calls.push([name, req])) as never },
      'a'.repeat(40),
      ' /new ',
      true,
      (t) => toasts.push(t),
    );
    expect(ok).toBe(true);
    expect(calls).toEqual([
      ['torrent.setLocation', { id: 'a'.repeat(40), path: '/new', move: true }],
    ]);
    const failed = await setLocation(
      {
        invoke: (async () => {
          throw new ContractError('already-exists', '/new/x already exists; nothing was moved');
        }) as never,
      },
      'a'.repeat(40),
      '/new',
      true,
      (t) => toasts.push(t),
    );
    expect(failed).toBe(false);
    expect(toasts).toEqual([
      {
        level: 'error',
        title: 'Could not move the files',
        message: 'Files with the same names are already there; nothing was moved.',
        detail: '/new/x already exists; nothing was moved',
      },
    ]);
  });
});
