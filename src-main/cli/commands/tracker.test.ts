import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../engine/time/clock';
import { runTrackerCommand } from './tracker';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) },
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise<void>((r) => systemClock.setTimeout(r, 20));
  }
}

describe('swarmscope tracker', () => {
  it('serves until SIGINT, printing its ports, URLs and a periodic stats line', async () => {
    const c = capture();
    const done = runTrackerCommand(
      [
        '--open',
        '--host',
        '127.0.0.1',
        '--http-port',
        '0',
        '--udp-port',
        '0',
        '--stats-every',
        '1',
        '--log-level',
        'debug',
      ],
      c.io,
    );
    try {
      await until(() => c.out.some((l) => l.startsWith('listening udp')));
      const port = Number(/listening http 127\.0\.0\.1:(\d+)/.exec(c.out.join(''))?.[1]);
      expect(c.out.join('')).toContain(`announce http://127.0.0.1:${port}/announce`);
      const res = await fetch(
        `http://127.0.0.1:${port}/announce?info_hash=${'%01'.repeat(20)}&peer_id=${'a'.repeat(20)}&port=5000&left=1`,
      );
      expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toMatch(/^d8:complete/);
      await until(() => c.out.some((l) => /^swarms 1 peers 1 /.test(l)), 3000);
      expect(c.err.join('')).toMatch(/debug http announce 0101/);
    } finally {
      process.emit('SIGINT');
    }
    expect(await done).toBe(0);
    expect(c.out.at(-1)).toBe('tracker stopped\n');
  });

  it('refuses bad flags with a usage line, and a port in use with exit 1', async () => {
    const bad = capture();
    expect(await runTrackerCommand(['--http-port', '70000', '--open'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/--http-port must be a port number/);
    const none = capture();
    expect(await runTrackerCommand([], none.io)).toBe(2);
    expect(none.err.join('')).toMatch(/choose --open/);

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = capture();
      expect(
        await runTrackerCommand(
          ['--open', '--host', '127.0.0.1', '--http-port', String(port), '--no-udp'],
          busy.io,
        ),
      ).toBe(1);
      expect(busy.err.join('')).toMatch(/cannot start: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
