import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src-shared/model';
import { ApiError } from '../api/api-error';
import { errorSentence, errorText, torrentErrorText } from './error-text';

describe('error texts (issue 19)', () => {
  it('has one plain sentence for every contract error code', () => {
    for (const code of errorCodes) {
      const s = errorSentence(code);
      expect(s).toMatch(/^[A-Z].*\.$/);
      // No developer's identifiers such as 'invalid-torrent' in what a person reads.
      if (code.includes('-')) expect(s).not.toContain(code);
    }
  });

  it('shows a damaged torrent as a sentence, the technical text as the detail', () => {
    const detail =
      'not a valid torrent file: bencode: string length 14 exceeds the 7 bytes left at offset 290';
    expect(errorText(new ApiError('invalid-torrent', detail))).toEqual({
      message: 'This file is damaged or is not a .torrent file.',
      detail,
    });
  });

  it('reads plain payloads and unknown rejections, and drops an empty detail', () => {
    expect(errorText({ code: 'bind', message: 'listen EADDRINUSE 0.0.0.0:6969' })).toEqual({
      message: 'The address or port is in use by another program, or not allowed.',
      detail: 'listen EADDRINUSE 0.0.0.0:6969',
    });
    expect(errorText({ code: 'io', message: '' })).toEqual({
      message: 'Reading from or writing to the disk failed.',
    });
    expect(errorText('socket closed')).toEqual({
      message: 'Something went wrong inside Swarmscope.',
      detail: 'socket closed',
    });
  });

  it("keeps a torrent's error as it is when it has no code", () => {
    expect(torrentErrorText('disk full', null)).toEqual({ message: 'disk full' });
    expect(torrentErrorText('ENOENT: /x/a.bin', 'files-missing')).toEqual({
      message:
        "The torrent's files are gone: they were moved or deleted, or their drive is unplugged.",
      detail: 'ENOENT: /x/a.bin',
    });
  });
});
