import { describe, expect, it } from 'vitest';
import { commandNames, type CommandName } from './contract';
import { ContractError } from './model';
import { defaultLabConfig } from './model'; // --- swarm lab (issue 19)
import { maxTorrentFileBytes, validateRequest } from './validate';

const id = 'a'.repeat(40);
const ID = 'ABCDEF0123'.repeat(4);

/** A valid request per command, so each bad case differs from a good one by one thing. */
const good: { [K in CommandName]: unknown } = {
  'torrent.add': { torrentFile: new Uint8Array([100, 101]), paused: true, skipFiles: [1] },
  'torrent.inspect': { path: '/tmp/x.torrent' },
  'torrent.pause': { ids: [id] },
  'torrent.resume': { ids: [id] },
  'torrent.recheck': { ids: [id] },
  'torrent.remove': { ids: [id], deleteData: false },
  'torrent.export': { id },
  'torrent.setFilePriority': { id, files: [0, 2], priority: 'high' },
  'torrent.addPeer': { id, address: '127.0.0.1', port: 6881 },
  'sync.snapshot': {},
  'seed.create': { path: '/data/file', trackers: ['udp://t.example:6969'], pieceLength: 1 << 18 },
  'job.cancel': { jobId: 'job-1' },
  'file.upload': { name: 'movie.mkv', size: 3, offset: 0, bytes: new Uint8Array(3) },
  'fs.list': {},
  'settings.get': {},
  'settings.set': {
    listenPort: 51413,
    tracker: { httpPort: 7070, mode: 'open' },
    transports: 'utp', // uTP (issue 18)
  },
  'tracker.start': { httpPort: 6969, udp: false },
  'tracker.stop': {},
  'tracker.status': {},
  'tracker.swarm': { infoHash: id },
  'view.watch': { id, topics: ['peers', 'pieces'] },
  'view.unwatch': { id },
  'dialog.openPath': { kind: 'folder', defaultPath: '/home/me' },
  'dialog.saveTorrent': { id },
  'shell.showItem': { path: '/home/me/file.iso' },
  'clipboard.writeText': { text: 'magnet:?xt=urn:btih:' + id },
  'torrent.setLocation': { id, path: '/data/elsewhere', move: true },
  // --- swarm lab (issue 19) ---
  'lab.create': { ...defaultLabConfig, leechers: 4, sizeMiB: 8 },
  'lab.action': { kind: 'pause', peer: 3 },
  'lab.close': {},
  'lab.get': {},
  // --- per-torrent actions and the queue (issue 21) ---
  'torrent.reannounce': { ids: [id] },
  'torrent.trackerTiers': { id },
  'torrent.setTrackers': {
    id,
    tiers: [['udp://t.example:6969', 'http://b.example/announce'], ['udp://c.example:1']],
  },
  'torrent.setLimits': {
    ids: [id],
    downBps: 100_000,
    upBps: 0,
    maxPeers: 20,
    ratioLimit: 2.5,
    seedTimeLimitMin: null,
    onLimit: 'remove',
  },
  'torrent.setSequential': { ids: [id], sequential: true, firstLast: false },
  'torrent.queueMove': { ids: [id], how: 'top' },
  'torrent.forceStart': { ids: [id] },
  'shell.openPath': { path: '/home/me/file.iso' },
  'net.interfaces': {}, // --- listen interface (issues 18, 21)
  'torrent.setLabel': { ids: [id], label: 'Linux ISOs' }, // --- labels (issue 21)
};

/** For each command, payloads that must be refused, with a fragment of the expected message. */
const bad: { [K in CommandName]: [unknown, string][] } = {
  'torrent.add': [
    [{}, 'exactly one of torrentFile, path or magnet'],
    [{ torrentFile: new Uint8Array(1), path: '/x' }, 'exactly one'],
    [{ magnet: 'magnet:?xt=urn:btih:' + id, path: '/x' }, 'exactly one'],
    [{ magnet: 'http://example.com/x.torrent' }, 'torrent.add: magnet must start with "magnet:?"'],
    [{ magnet: 42 }, 'magnet must be a string'],
    [{ magnet: 'magnet:?xt=urn:btih:' + id, chooseFiles: 'yes' }, 'chooseFiles must be'],
    [{ torrentFile: 'ZGU=' }, 'torrent.add: torrentFile must be bytes'],
    [{ torrentFile: [1, 2, 3] }, 'torrentFile must be bytes'],
    [{ torrentFile: new Uint8Array(0) }, 'must not be empty'],
    [{ torrentFile: new Uint8Array(maxTorrentFileBytes + 1) }, 'at most'],
    [{ path: '/x', savePath: 5 }, 'savePath must be a string'],
    [{ path: '/x', skipFiles: [-1] }, 'skipFiles[0] must be a non-negative integer'],
    [{ path: '/x', skipFiles: [1.5] }, 'non-negative integer'],
    [{ path: '/x', paused: 'yes' }, 'paused must be true or false'],
    [{ path: '/x', extra: 1 }, 'extra is not a known field'],
    [{ path: 'a\0b' }, 'NUL'],
    [{ path: 'x'.repeat(5000) }, 'at most 4096'],
    [null, 'request must be an object'],
    [[], 'request must be an object'],
  ],
  'torrent.inspect': [
    [{ path: '' }, 'path must not be empty'],
    [{ path: '/x', savePath: '/y' }, 'savePath is not a known field'],
    [{ torrentFile: new Uint16Array(2) }, 'must be bytes'],
  ],
  'torrent.pause': [
    [{ ids: [] }, 'at least 1'],
    [{ ids: ['abc'] }, 'ids[0] must be a torrent id'],
    [{ ids: id }, 'ids must be a list'],
    [{ ids: ['g'.repeat(40)] }, 'torrent id'],
  ],
  'torrent.resume': [
    [{}, 'ids must be a list'],
    [{ ids: [id, 7] }, 'ids[1] must be a torrent id'],
  ],
  'torrent.recheck': [
    [{ ids: [] }, 'at least 1'],
    [{ ids: ['x'] }, 'ids[0] must be a torrent id'],
  ],
  'torrent.remove': [
    [{ ids: [id] }, 'deleteData must be true or false'],
    [{ ids: [id], deleteData: 1 }, 'deleteData must be true or false'],
  ],
  'torrent.export': [
    [{}, 'id must be a torrent id'],
    [{ id: 'a'.repeat(41) }, 'torrent id'],
  ],
  'torrent.setFilePriority': [
    [{ id, files: [0], priority: 'low' }, 'priority must be one of skip, normal, high'],
    [{ id, files: 'all', priority: 'skip' }, 'files must be a list'],
  ],
  'torrent.addPeer': [
    [{ id, address: '127.0.0.1', port: 0 }, 'port must be between 1 and 65535'],
    [{ id, address: '127.0.0.1', port: 65536 }, 'between 1 and 65535'],
    [{ id, address: '127.0.0.1', port: '80' }, 'port must be an integer'],
    [{ id, address: 'a b', port: 80 }, 'address must be an IP address or host'],
    [{ id, address: '', port: 80 }, 'address must not be empty'],
  ],
  'sync.snapshot': [
    [{ since: 1 }, 'since is not a known field'],
    [undefined, 'must be an object'],
  ],
  'seed.create': [
    [{}, 'path must be a string'],
    [{ path: '/x', trackers: ['ftp://x'] }, 'trackers[0] must be a http or https or udp URL'],
    [{ path: '/x', trackers: ['not a url'] }, 'trackers[0]'],
    [{ path: '/x', webSeeds: ['udp://x:1'] }, 'webSeeds[0] must be a http or https URL'],
    [{ path: '/x', pieceLength: 3 * 16384 }, 'pieceLength must be a power of two'],
    [{ path: '/x', pieceLength: 1024 }, 'between 16384'],
    [{ path: '/x', comment: 3 }, 'comment must be a string'],
    [{ path: '/x', private: 'no' }, 'private must be true or false'],
  ],
  'job.cancel': [
    [{ jobId: '' }, 'jobId must not be empty'],
    [{ jobId: 'x'.repeat(200) }, 'at most 128'],
  ],
  'file.upload': [
    [{ name: '../etc/passwd', bytes: new Uint8Array(1) }, 'plain file name'],
    [{ name: '..', bytes: new Uint8Array(1) }, 'plain file name'],
    [{ name: 'a\\b', bytes: new Uint8Array(1) }, 'plain file name'],
    [{ name: 'a', size: 3, offset: 0, bytes: 'abc' }, 'bytes must be bytes'],
    [{ name: 'a', size: 2, offset: 0, bytes: new Uint8Array(3) }, 'run past the file size'],
    [{ name: 'a', size: 9, offset: 3, bytes: new Uint8Array(3) }, 'uploadId is required'],
    [{ name: 'a', size: 2 ** 30, offset: 0, bytes: new Uint8Array(1) }, 'size must be'],
  ],
  'fs.list': [
    [{ path: 7 }, 'path must be a string'],
    [{ dir: '/' }, 'dir is not a known field'],
  ],
  'settings.get': [[{ x: 1 }, 'x is not a known field']],
  'settings.set': [
    // --- the queue and seeding limits (issue 21) ---
    [{ maxActiveDownloads: -1 }, 'maxActiveDownloads must be between 0 and 10000'],
    [{ maxActiveSeeds: 1.5 }, 'maxActiveSeeds must be an integer'],
    [{ seedRatioLimit: 'x' }, 'seedRatioLimit must be a number between 0'],
    [{ seedRatioLimit: -0.5 }, 'seedRatioLimit must be a number between 0'],
    [{ seedLimitAction: 'stop' }, 'seedLimitAction must be one of pause, remove'],
    [{ listenPort: 0 }, 'listenPort must be between 1 and 65535'],
    [{ downloadLimitBps: -1 }, 'downloadLimitBps must be between 0'],
    [{ logLevel: 'verbose' }, 'logLevel must be one of'],
    [{ tracker: { httpPort: 70000 } }, 'settings.set: tracker: httpPort must be between'],
    [{ tracker: { bogus: true } }, 'tracker: bogus is not a known field'],
    [{ tracker: 'on' }, 'tracker: request must be an object'],
    [{ maxConnections: 0 }, 'maxConnections must be between 1'],
    [{ colour: 'dark' }, 'colour is not a known field'],
    [{ theme: 'sepia' }, 'theme must be one of system, light, dark'], // theme (issue 19)
    [{ transports: 'quic' }, 'transports must be one of tcp, utp, both'], // uTP (issue 18)
  ],
  'tracker.start': [
    [{ mode: 'closed' }, 'mode must be one of allow-list, open'],
    [{ udpPort: -5 }, 'udpPort must be between 1 and 65535'],
    [{ intervalSec: 60, minIntervalSec: 120 }, 'minIntervalSec must not exceed intervalSec'],
    [{ host: '' }, 'host must not be empty'],
  ],
  'tracker.stop': [[{ force: true }, 'force is not a known field']],
  'tracker.status': [['status', 'must be an object']],
  'tracker.swarm': [[{ infoHash: 'zz' }, 'infoHash must be a torrent id']],
  'view.watch': [
    [{ id, topics: [] }, 'topics must have at least 1'],
    [{ id, topics: ['chat'] }, 'topics[0] must be one of'],
    [{ id, topics: ['peers', 'peers'] }, 'must not repeat'],
    [{ topics: ['peers'] }, 'id must be a torrent id'],
  ],
  'view.unwatch': [[{ id: null }, 'id must be a torrent id']],
  'dialog.openPath': [
    [{ kind: 'torrent' }, 'kind must be one of file, folder'],
    [{ kind: 'file', defaultPath: '' }, 'defaultPath must not be empty'],
  ],
  'dialog.saveTorrent': [[{ id: 'x' }, 'id must be a torrent id']],
  'shell.showItem': [[{ path: 5 }, 'path must be a string']],
  'clipboard.writeText': [
    [{ text: 'x'.repeat(64 * 1024 + 1) }, 'at most 65536'],
    [{}, 'text must be a string'],
  ],
  'torrent.setLocation': [
    [{ id, path: '', move: true }, 'path must not be empty'],
    [{ id, path: '/x' }, 'move must be true or false'],
    [{ id: 'nope', path: '/x', move: false }, 'id'],
    [{ id, path: '/x', move: false, extra: 1 }, 'extra'],
  ],
  // --- swarm lab (issue 19) ---
  'lab.create': [
    [
      { ...defaultLabConfig, leechers: 51 },
      'lab.create: leechers must be a whole number from 1 to 50',
    ],
    [{ ...defaultLabConfig, seeders: '2' }, 'seeders must be a number'],
    [{ ...defaultLabConfig, sizeMiB: 4096 }, 'size must be a whole number of MiB from 1 to 1024'],
    [{ ...defaultLabConfig, filePath: '' }, 'filePath must not be empty'],
    [{ ...defaultLabConfig, rogue: 1 }, 'rogue is not a known field'],
    [{ leechers: 3 }, 'sizeMiB must be a number'],
  ],
  'lab.action': [
    [{ kind: 'explode' }, 'kind must be one of'],
    [{ kind: 'pause' }, 'peer must be an integer'],
    [{ kind: 'add', role: 'king' }, 'role must be one of seeder, leecher, freeloader, corrupt'],
    [{ kind: 'remove-original-seeder', peer: 1 }, 'peer is not a known field'],
  ],
  'lab.close': [[{ x: 1 }, 'x is not a known field']],
  'lab.get': [[{ x: 1 }, 'x is not a known field']],
  // --- per-torrent actions and the queue (issue 21) ---
  'torrent.reannounce': [
    [{ ids: [] }, 'at least 1'],
    [{ id }, 'id is not a known field'],
  ],
  'torrent.setTrackers': [
    [{ id, tiers: [['ftp://x.example/a']] }, 'tiers[0][0] must be a http or https or udp URL'],
    [{ id, tiers: [[]] }, 'tiers[0] must not be empty'],
    [{ id, tiers: ['udp://t.example:1'] }, 'tiers[0] must be a list of URLs'],
    [{ id, tiers: [['udp://t.example:1'], ['udp://t.example:1']] }, 'must not list a URL twice'],
    [{ id, tiers: Array.from({ length: 65 }, (_, i) => [`udp://t${i}.example:1`]) }, 'at most 64'],
    [{ id }, 'tiers must be a list'],
  ],
  'torrent.setLimits': [
    [
      {
        ids: [id],
        downBps: -1,
        upBps: 0,
        maxPeers: 0,
        ratioLimit: null,
        seedTimeLimitMin: null,
        onLimit: 'pause',
      },
      'downBps must be between 0',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 1.5,
        maxPeers: 0,
        ratioLimit: null,
        seedTimeLimitMin: null,
        onLimit: 'pause',
      },
      'upBps must be an integer',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 0,
        maxPeers: 70_000,
        ratioLimit: null,
        seedTimeLimitMin: null,
        onLimit: 'pause',
      },
      'maxPeers must be between 0 and 65535',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 0,
        maxPeers: 0,
        ratioLimit: 'x',
        seedTimeLimitMin: null,
        onLimit: 'pause',
      },
      'ratioLimit must be a number or null',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 0,
        maxPeers: 0,
        ratioLimit: -1,
        seedTimeLimitMin: null,
        onLimit: 'pause',
      },
      'ratioLimit must be between 0',
    ],
    [
      { ids: [id], downBps: 0, upBps: 0, maxPeers: 0, seedTimeLimitMin: null, onLimit: 'pause' },
      'ratioLimit must be a number or null',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 0,
        maxPeers: 0,
        ratioLimit: null,
        seedTimeLimitMin: 1.5,
        onLimit: 'pause',
      },
      'seedTimeLimitMin must be a whole number',
    ],
    [
      {
        ids: [id],
        downBps: 0,
        upBps: 0,
        maxPeers: 0,
        ratioLimit: null,
        seedTimeLimitMin: null,
        onLimit: 'stop',
      },
      'onLimit must be one of pause, remove',
    ],
  ],
  'torrent.setSequential': [
    [{ ids: [id], sequential: 'yes', firstLast: false }, 'sequential must be true or false'],
    [{ ids: [id], sequential: true }, 'firstLast must be true or false'],
  ],
  'torrent.queueMove': [
    [{ ids: [id], how: 'sideways' }, 'how must be one of up, down, top, bottom'],
    [{ ids: [], how: 'up' }, 'at least 1'],
  ],
  'torrent.forceStart': [[{ ids: ['x'] }, 'ids[0] must be a torrent id']],
  'torrent.trackerTiers': [[{ id: 'x' }, 'id must be a torrent id']],
  'shell.openPath': [
    [{ path: '' }, 'path must not be empty'],
    [{ path: 'a\0b' }, 'NUL'],
  ],
  'net.interfaces': [[{ x: 1 }, 'x is not a known field']], // --- listen interface (issues 18, 21)
  // --- labels (issue 21) ---
  'torrent.setLabel': [
    [{ ids: [id], label: 'x'.repeat(65) }, 'label must be at most 64 characters'],
    [{ ids: [id], label: 'a\u0001b' }, 'control characters'],
    [{ ids: [id] }, 'label must be a string'],
  ],
};

function expectBadRequest(fn: () => unknown, fragment: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe('bad-request');
    expect((err as ContractError).message).toContain(fragment);
    return;
  }
  throw new Error(`expected a bad-request error containing "${fragment}"`);
}

describe('validateRequest', () => {
  it('has good and bad cases for every command', () => {
    expect(Object.keys(good).sort()).toEqual([...commandNames].sort());
    for (const name of commandNames) expect(bad[name].length).toBeGreaterThan(0);
  });

  for (const name of commandNames) {
    it(`accepts a valid ${name}`, () => {
      expect(() => validateRequest(name, good[name])).not.toThrow();
    });
    for (const [payload, fragment] of bad[name]) {
      it(`refuses ${name} with ${fragment}`, () => {
        expectBadRequest(() => validateRequest(name, payload), fragment);
      });
    }
  }

  it('names the command in the message', () => {
    expectBadRequest(
      () => validateRequest('torrent.add', { torrentFile: 42 }),
      'torrent.add: torrentFile must be bytes',
    );
  });

  it('returns a clean copy with lowercased ids', () => {
    const req = validateRequest('torrent.pause', { ids: [ID] });
    expect(req).toEqual({ ids: [ID.toLowerCase()] });
    const add = validateRequest('torrent.add', good['torrent.add']);
    expect(Object.keys(add).sort()).toEqual(['paused', 'skipFiles', 'torrentFile']);
  });

  it('takes a magnet link (trimmed) for torrent.add and torrent.inspect', () => {
    const magnet = 'magnet:?xt=urn:btih:' + id;
    expect(validateRequest('torrent.add', { magnet: ` ${magnet}\n`, chooseFiles: true })).toEqual({
      magnet,
      chooseFiles: true,
    });
    expect(validateRequest('torrent.inspect', { magnet })).toEqual({ magnet });
  });

  it('refuses prototype tricks and class instances', () => {
    const evil = JSON.parse('{"__proto__": {"x": 1}, "ids": []}') as unknown;
    expectBadRequest(
      () => validateRequest('torrent.pause', evil),
      '__proto__ is not a known field',
    );
    expectBadRequest(() => validateRequest('sync.snapshot', new Date()), 'must be an object');
  });

  it('accepts the queue and seed-limit settings (issue 21)', () => {
    const patch = {
      maxActiveDownloads: 0,
      maxActiveSeeds: 5,
      seedRatioLimit: 1.5,
      seedLimitAction: 'remove',
    };
    expect(validateRequest('settings.set', patch)).toEqual(patch);
  });

  it('accepts objects without a prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.id = id;
    expect(validateRequest('torrent.export', o)).toEqual({ id });
  });

  it('refuses unknown commands', () => {
    try {
      validateRequest('torrent.explode' as CommandName, {});
      throw new Error('not refused');
    } catch (err) {
      expect((err as ContractError).code).toBe('unknown-command');
    }
  });

  it('unwraps bracketed IPv6 peer addresses', () => {
    expect(validateRequest('torrent.addPeer', { id, address: '[::1]', port: 1 }).address).toBe(
      '::1',
    );
  });

  it('allows clearing the allow-list file with null', () => {
    expect(validateRequest('tracker.start', { allowListFile: null })).toEqual({
      allowListFile: null,
    });
  });
});
