/**
 * Error texts for people (issue 19, issue 21 "Bugs found"): each contract error code
 * (src-shared/model/errors.ts) maps to one plain sentence; the host's own message, written for
 * developers, becomes the detail shown behind "Details". Pure; unit-tested.
 */
import type { ErrorCode } from '../../src-shared/model';
import { toApiError } from '../api/api-error';

const sentences: Record<ErrorCode, string> = {
  'bad-request': 'Swarmscope could not make sense of that request.',
  'unknown-command': 'This host does not know that action; it may be an older version.',
  'not-found': 'It could not be found: it may have been removed or moved.',
  'invalid-torrent': 'This file is damaged or is not a .torrent file.',
  'already-exists': 'That is already in the list.',
  io: 'Reading from or writing to the disk failed.',
  bind: 'The address or port is in use by another program, or not allowed.',
  cancelled: 'It was cancelled.',
  forbidden: 'This host does not allow that.',
  internal: 'Something went wrong inside Swarmscope.',
  'files-missing':
    "The torrent's files are gone: they were moved or deleted, or their drive is unplugged.",
};

export function errorSentence(code: ErrorCode): string {
  return sentences[code];
}

export interface ErrorText {
  /** One sentence a person understands. */
  message: string;
  /** The technical detail, or undefined when it says nothing the sentence does not. */
  detail?: string;
}

/**
 * Whatever a command rejected with, as a sentence and its detail. `sentences` words a code for
 * the action at hand where the general sentence would mislead (a magnet link is no .torrent).
 */
export function errorText(err: unknown, sentences?: Partial<Record<ErrorCode, string>>): ErrorText {
  const e = toApiError(err);
  const message = sentences?.[e.code] ?? errorSentence(e.code);
  const detail = e.message.trim();
  return detail.length > 0 && detail !== message ? { message, detail } : { message };
}

/** A torrent's error line: the sentence for its code when it has one, the detail behind it. */
export function torrentErrorText(error: string, code: ErrorCode | null | undefined): ErrorText {
  if (!code) return { message: error };
  const message = errorSentence(code);
  return error.trim().length > 0 && error !== message ? { message, detail: error } : { message };
}
