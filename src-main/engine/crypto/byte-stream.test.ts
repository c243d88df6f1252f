import { afterEach, describe, expect, it } from 'vitest';
import { socketByteStream } from './byte-stream';
import { ended, tcpPair } from './test-streams';
import type { SocketPair } from './test-streams';

let p: SocketPair | null = null;
afterEach(async () => {
  await p?.cleanup();
  p = null;
});

describe('socketByteStream', () => {
  it('holds bytes that arrive before a reader, and gives the end only after them', async () => {
    p = await tcpPair();
    const ours = socketByteStream(p.server);
    const events: string[] = [];
    ours.onEnd(() => events.push('end'));
    p.client.end(Buffer.from('early'));
    await new Promise((resolve) => p!.server.once('close', resolve));
    expect(events).toEqual([]);
    ours.onData((chunk) => events.push(Buffer.from(chunk).toString()));
    expect(events).toEqual(['early', 'end']);
  });

  it('writes to the socket, and after close neither reads nor reports an end', async () => {
    p = await tcpPair();
    const ours = socketByteStream(p.server);
    const theirs = socketByteStream(p.client);
    const got = new Promise<string>((resolve) =>
      theirs.onData((c) => resolve(Buffer.from(c).toString())),
    );
    ours.write(Buffer.from('hello'));
    expect(await got).toBe('hello');
    let ourEnd = false;
    ours.onEnd(() => (ourEnd = true));
    ours.close();
    await ended(theirs);
    expect(ourEnd).toBe(false);
  });
});
