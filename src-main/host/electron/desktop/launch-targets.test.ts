import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DESKTOP_MAX_LAUNCH_ARG_CHARS, DESKTOP_MAX_LAUNCH_TARGETS } from './desktop-limits';
import {
  handoffData,
  isMagnetUri,
  launchTargetsFromArgv,
  parseLaunchArg,
  targetArg,
  targetsFromHandoff,
} from './launch-targets';

const magnet = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x';
const cwd = '/home/user/Downloads';

describe('parseLaunchArg', () => {
  it('keeps magnet links verbatim, whatever the scheme case', () => {
    expect(parseLaunchArg(magnet, cwd)).toEqual({ kind: 'magnet', uri: magnet });
    expect(parseLaunchArg('MAGNET:?xt=urn:btih:ab', cwd)).toEqual({
      kind: 'magnet',
      uri: 'MAGNET:?xt=urn:btih:ab',
    });
    expect(isMagnetUri('magnet:xt')).toBe(false);
  });

  it('resolves .torrent paths against the launch directory', () => {
    expect(parseLaunchArg('ubuntu.torrent', cwd)).toEqual({
      kind: 'torrent-file',
      path: path.join(cwd, 'ubuntu.torrent'),
    });
    expect(parseLaunchArg('/tmp/A.TORRENT', cwd)).toEqual({
      kind: 'torrent-file',
      path: '/tmp/A.TORRENT',
    });
    expect(parseLaunchArg('"/tmp/with space.torrent"', cwd)).toEqual({
      kind: 'torrent-file',
      path: '/tmp/with space.torrent',
    });
  });

  it('turns file:// URLs (desktop entries pass %U) into paths', () => {
    const url = pathToFileURL('/tmp/é x.torrent').href;
    expect(parseLaunchArg(url, cwd)).toEqual({ kind: 'torrent-file', path: '/tmp/é x.torrent' });
    expect(parseLaunchArg('file:///tmp/notes.txt', cwd)).toBeNull();
    expect(parseLaunchArg('file://remote-host/x.torrent', cwd)).toBeNull();
  });

  it('ignores everything else', () => {
    for (const arg of ['.', 'notes.txt', 'https://example.org/a.torrent', '', 'torrent']) {
      expect(parseLaunchArg(arg, cwd), arg).toBeNull();
    }
    const huge = `magnet:?xt=${'a'.repeat(DESKTOP_MAX_LAUNCH_ARG_CHARS)}`;
    expect(parseLaunchArg(huge, cwd)).toBeNull();
  });
});

describe('launchTargetsFromArgv', () => {
  it('skips the executable and switches, keeps order, drops duplicates', () => {
    const argv = [
      '/opt/Swarmscope/swarmscope',
      '--no-sandbox',
      '--original-process-start-time=123',
      'a.torrent',
      magnet,
      '-x.torrent',
      'a.torrent',
    ];
    expect(launchTargetsFromArgv(argv, cwd).map(targetArg)).toEqual([
      path.join(cwd, 'a.torrent'),
      magnet,
    ]);
  });

  it('treats everything after -- as positional', () => {
    const argv = ['electron', '.', '--', '-odd.torrent'];
    expect(launchTargetsFromArgv(argv, cwd).map(targetArg)).toEqual([
      path.join(cwd, '-odd.torrent'),
    ]);
  });

  it('ignores the app folder under `electron .` and a bare executable', () => {
    expect(launchTargetsFromArgv(['electron', '.'], cwd)).toEqual([]);
    expect(launchTargetsFromArgv(['swarmscope.torrent'], cwd)).toEqual([]);
  });

  it(`takes at most ${DESKTOP_MAX_LAUNCH_TARGETS} targets`, () => {
    const argv = ['exe', ...Array.from({ length: 200 }, (_, i) => `f${i}.torrent`)];
    expect(launchTargetsFromArgv(argv, cwd)).toHaveLength(DESKTOP_MAX_LAUNCH_TARGETS);
  });
});

describe('single-instance handoff data', () => {
  it('round-trips through additionalData', () => {
    const targets = launchTargetsFromArgv(['exe', 'a.torrent', magnet], cwd);
    const data = JSON.parse(JSON.stringify(handoffData(targets))) as unknown;
    expect(targetsFromHandoff(data, '/elsewhere')).toEqual(targets);
  });

  it('is re-validated: foreign shapes give null, bad entries are dropped', () => {
    expect(targetsFromHandoff(undefined, cwd)).toBeNull();
    expect(targetsFromHandoff({}, cwd)).toBeNull();
    expect(targetsFromHandoff({ swarmscopeTargets: 'a.torrent' }, cwd)).toBeNull();
    expect(targetsFromHandoff({ swarmscopeTargets: [1, 'x.txt', 'b.torrent', null] }, cwd)).toEqual(
      [{ kind: 'torrent-file', path: path.join(cwd, 'b.torrent') }],
    );
    const many = { swarmscopeTargets: Array.from({ length: 500 }, (_, i) => `${i}.torrent`) };
    expect(targetsFromHandoff(many, cwd)).toHaveLength(DESKTOP_MAX_LAUNCH_TARGETS);
  });
});
