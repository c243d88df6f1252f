/**
 * Entry point bundled by the tracker bench: bittorrent-tracker (npm, the webtorrent tracker) in
 * its own process, like our tracker-child, so the load generator never shares its event loop.
 *
 *   node bittorrent-tracker-child.mjs --server PATH/server.js --port N [--no-stats]
 *
 * The package is installed on demand outside node_modules (it is no dependency of ours: its
 * optional native deps break `npm ci`), so its `server.js` is imported by path; the root import
 * would need a native WebRTC binary. HTTP and UDP share the port, on loopback only; stats (its
 * default, the /stats page) stay on unless --no-stats. Prints `listening PORT`, stops on
 * SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

interface BtServer {
  on(event: 'error' | 'warning', fn: (err: Error) => void): void;
  listen(port: number, hosts: { http: string; udp: string; udp6: string }, cb: () => void): void;
  close(cb: () => void): void;
}

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    port: { type: 'string' },
    'no-stats': { type: 'boolean', default: false },
  },
  strict: true,
});
const port = Number(values.port);
if (!values.server || !(port > 0)) throw new Error('bittorrent-tracker-child: --server and --port');

const mod = (await import(pathToFileURL(values.server).href)) as {
  default: new (opts: Record<string, unknown>) => BtServer;
};
const server = new mod.default({ http: true, udp: true, ws: false, stats: !values['no-stats'] });
server.on('error', (err) => process.stderr.write(`error ${err.message}\n`));
// A warning is one refused request; the bench counts failures from the client side.
server.on('warning', () => undefined);
server.listen(port, { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' }, () => {
  process.stdout.write(`listening ${port}\n`);
});
const stop = (): void => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
