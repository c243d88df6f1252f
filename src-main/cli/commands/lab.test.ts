import { describe, expect, it } from 'vitest';
import { defaultLabConfig } from '../../../src-shared/model';
import { labProgressLine, labSummary, parseLabArgs } from './lab';
import type { LabState } from '../../../src-shared/model';

describe('swarmscope lab arguments', () => {
  it('reads every flag into a checked config', () => {
    const a = parseLabArgs(
      '--leechers 20 --seeders 2 --size-mib 256 --corrupt 1 --freeloaders 2 --churn 3 --upload-limit 512K --arrival-spread 7.5 --seed 9 --timeout 120 --json'.split(
        ' ',
      ),
    );
    expect(a).toEqual({
      config: {
        sizeMiB: 256,
        filePath: null,
        seed: 9,
        leechers: 20,
        seeders: 2,
        freeloaders: 2,
        corrupt: 1,
        uploadLimitBps: 512 * 1024,
        arrivalSpreadSec: 7.5,
        churnPerMin: 3,
      },
      json: true,
      timeoutSec: 120,
      help: false,
    });
    expect(parseLabArgs([]).config).toEqual(defaultLabConfig);
    expect(parseLabArgs(['--file', 'a.iso']).config.filePath).toBe('a.iso');
    expect(parseLabArgs(['--upload-limit', '2M']).config.uploadLimitBps).toBe(2 * 1024 * 1024);
  });

  it('refuses bad input with one clear line', () => {
    expect(() => parseLabArgs(['--leechers', '51'])).toThrow(/leechers .* 1 to 50/);
    expect(() => parseLabArgs(['--leechers', 'ten'])).toThrow(/--leechers must be a whole number/);
    expect(() => parseLabArgs(['--seeders', '0'])).toThrow(/seeders .* 1 to 5/);
    expect(() => parseLabArgs(['--size-mib', '2048'])).toThrow(/1 to 1024/);
    expect(() => parseLabArgs(['--file', 'x', '--size-mib', '4'])).toThrow(/exclude/);
    expect(() => parseLabArgs(['--upload-limit', 'fast'])).toThrow(/--upload-limit/);
    expect(() => parseLabArgs(['--timeout', '0'])).toThrow(/--timeout/);
    expect(() => parseLabArgs(['--bogus'])).toThrow(/bogus/);
    expect(() => parseLabArgs(['extra'])).toThrow(/unexpected argument "extra"/);
  });
});

describe('swarmscope lab output', () => {
  const state: LabState = {
    status: 'complete',
    message: null,
    config: defaultLabConfig,
    name: 'lab.bin',
    infoHashHex: 'ab'.repeat(20),
    sizeBytes: 1024,
    pieceLength: 512,
    pieceCount: 2,
    announceUrl: 'http://127.0.0.1:1/announce',
    elapsedMs: 2500,
    piecesOut: 2,
    fullDistributionMs: 2400,
    originalSeederRemoved: false,
    bans: [{ by: 'leecher 1', banned: 'corrupt peer 1', reason: 'banned', atMs: 100 }],
    peers: [
      {
        id: 0,
        name: 'seeder 1',
        role: 'seeder',
        status: 'running',
        port: 1,
        peerIdHex: null,
        have: new Uint8Array([0xc0]),
        haveCount: 2,
        downRateBps: 0,
        upRateBps: 1024,
        downloadedBytes: 0,
        uploadedBytes: 4096,
        connections: 1,
        verified: false,
        doneAtMs: null,
        error: null,
      },
      {
        id: 1,
        name: 'leecher 1',
        role: 'leecher',
        status: 'running',
        port: 2,
        peerIdHex: null,
        have: new Uint8Array([0xc0]),
        haveCount: 2,
        downRateBps: 2048,
        upRateBps: 0,
        downloadedBytes: 1024,
        uploadedBytes: 0,
        connections: 1,
        verified: true,
        doneAtMs: 2400,
        error: null,
      },
    ],
  };

  it('prints done leechers, the swarm rate, pieces out and bans', () => {
    expect(labProgressLine(state)).toMatch(
      /\[ {3}2\.5s\] leechers done 1\/1 {2}swarm rate 2\.00 KiB\/s {2}pieces out 2\/2 {2}bans 1/,
    );
  });

  it('sums up the time to full distribution, seeder uploads and bans', () => {
    expect(labSummary(state, true, null)).toMatchObject({
      ok: true,
      timeToFullDistributionMs: 2400,
      seederUploadedBytes: { 'seeder 1': 4096 },
      bans: [{ by: 'leecher 1', banned: 'corrupt peer 1', reason: 'banned' }],
    });
  });
});
