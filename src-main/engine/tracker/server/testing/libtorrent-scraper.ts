/**
 * Interop helper: a python3-libtorrent session (Debian's /usr/bin/python3) that creates and
 * seeds a small torrent announcing to a given tracker, then scrapes it when told to.
 * Protocol over stdio: the script prints JSON lines (`infohash` (then it waits for `start\\n`), `announced`, `scrape`,
 * `error`, `done`); writing `scrape\n` asks for a scrape, `quit\n` makes it stop (sending
 * `stopped`) and exit. The process is killed by PID in `close()` whatever state it is in.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { systemClock } from '../../../time/clock';

const SCRIPT = String.raw`
import json, os, sys, time
import libtorrent as lt

work, tracker = sys.argv[1], sys.argv[2]
def say(**kw):
    print(json.dumps(kw), flush=True)

data = os.path.join(work, 'data.bin')
with open(data, 'wb') as f:
    f.write(os.urandom(64 * 1024))
fs = lt.file_storage()
lt.add_files(fs, data)
# v1 only: a hybrid torrent would also announce its truncated v2 hash.
ct = lt.create_torrent(fs, 16 * 1024, flags=lt.create_torrent.v1_only)
ct.add_tracker(tracker)
lt.set_piece_hashes(ct, work)
ti = lt.torrent_info(lt.bencode(ct.generate()))
say(event='infohash', hex=str(ti.info_hash()))
sys.stdin.readline()  # 'start': the test allow-lists the hash first

ses = lt.session({
    'listen_interfaces': '127.0.0.1:0',
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    # libtorrent 2 only lets localhost trackers use the path /announce (so no /scrape) unless this is off.
    'ssrf_mitigation': False,
    'alert_mask': lt.alert.category_t.all_categories,
})
h = ses.add_torrent({'ti': ti, 'save_path': work})

def wait_for(kinds, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if type(a).__name__ in kinds:
                return a
    return None

a = wait_for(('tracker_reply_alert', 'tracker_error_alert'), 30)
if a is None or type(a).__name__ != 'tracker_reply_alert':
    say(event='error', what='announce', msg=(a.message() if a else 'timeout'))
else:
    say(event='announced', peers=a.num_peers, seeding=h.status().is_seeding)

for line in sys.stdin:
    cmd = line.strip()
    if cmd == 'scrape':
        h.scrape_tracker()
        a = wait_for(('scrape_reply_alert', 'scrape_failed_alert'), 30)
        if a is None or type(a).__name__ != 'scrape_reply_alert':
            say(event='error', what='scrape', msg=(a.message() if a else 'timeout'))
        else:
            say(event='scrape', complete=a.complete, incomplete=a.incomplete)
    elif cmd == 'quit':
        ses.remove_torrent(h)
        wait_for(('torrent_removed_alert',), 10)
        wait_for(('tracker_reply_alert', 'tracker_error_alert'), 3)
        break
say(event='done')
`;

export interface LtMessage {
  event: string;
  [key: string]: unknown;
}

export class LibtorrentScraper {
  private readonly lines: LtMessage[] = [];
  private waiter: (() => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LtMessage);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        this.lines.push({ event: 'noise', line });
      }
      this.waiter?.();
    });
  }

  static async start(trackerUrl: string): Promise<LibtorrentScraper> {
    const dir = await mkdtemp(path.join(tmpdir(), 'swarmscope-lt-'));
    const script = path.join(dir, 'scraper.py');
    await writeFile(script, SCRIPT);
    const child = spawn('/usr/bin/python3', ['-u', script, dir, trackerUrl], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new LibtorrentScraper(child, dir);
  }

  send(cmd: 'start' | 'scrape' | 'quit'): void {
    this.child.stdin?.write(`${cmd}\n`);
  }

  /** The next message with this event (or an `error`), waiting at most `timeoutMs`. */
  async next(event: string, timeoutMs = 30_000): Promise<LtMessage> {
    const deadline = systemClock.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((m) => m.event === event || m.event === 'error');
      if (i >= 0) return this.lines.splice(i, 1)[0] as LtMessage;
      const left = deadline - systemClock.now();
      if (left <= 0 || this.child.exitCode !== null)
        throw new Error(`libtorrent: no "${event}" message (exit ${this.child.exitCode})`);
      await new Promise<void>((resolve) => {
        const t = systemClock.setTimeout(resolve, Math.min(left, 200));
        this.waiter = () => {
          t.cancel();
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Kills the process by its PID (if still running) and removes its folder. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      process.kill(this.child.pid, 'SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
