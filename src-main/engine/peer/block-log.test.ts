import { describe, expect, it } from 'vitest';
import { BlockLog, describeSent } from './block-log';
import type { PeerLogEntry } from './block-log';

function log(): { entries: PeerLogEntry[]; b: BlockLog; details: () => string[] } {
  const entries: PeerLogEntry[] = [];
  const b = new BlockLog((e) => entries.push(e));
  return { entries, b, details: () => entries.map((e) => `${e.dir} ${e.type} ${e.detail}`) };
}

describe('BlockLog rules', () => {
  it('logs consecutive blocks of one piece as one line, when the piece changes', () => {
    const { b, details } = log();
    b.add('in', 'piece', 3, 16_384);
    b.add('in', 'piece', 3, 16_384);
    expect(details()).toEqual([]);
    b.add('in', 'piece', 4, 100);
    expect(details()).toEqual(['in piece piece 3: 2 blocks, 32768 bytes']);
    b.flush();
    expect(details()).toEqual([
      'in piece piece 3: 2 blocks, 32768 bytes',
      'in piece piece 4: 1 block, 100 bytes',
    ]);
  });

  it('keeps one run per direction and kind, so interleaved requests and pieces coalesce', () => {
    const { b, details } = log();
    for (let i = 0; i < 3; i++) {
      b.add('in', 'request', 9, 10);
      b.add('out', 'piece', 9, 10);
    }
    b.flush();
    expect(details()).toEqual([
      'in request piece 9: 3 blocks, 30 bytes',
      'out piece piece 9: 3 blocks, 30 bytes',
    ]);
  });

  it('a flush with nothing pending logs nothing, and nothing twice', () => {
    const { b, entries } = log();
    b.flush();
    b.add('out', 'request', 1, 5);
    b.flush();
    b.flush();
    expect(entries).toHaveLength(1);
  });

  it('describes sent messages, and leaves blocks and keep-alives to the runs', () => {
    expect(describeSent({ type: 'reject', index: 1, begin: 2, length: 3 })).toEqual({
      type: 'reject',
      detail: '1:2+3',
    });
    expect(describeSent({ type: 'have-all' })).toEqual({ type: 'bitfield', detail: 'have-all' });
    expect(describeSent({ type: 'keep-alive' })).toBeNull();
    expect(
      describeSent({ type: 'piece', index: 1, begin: 0, block: new Uint8Array(1) }),
    ).toBeNull();
  });
});
