import { describe, expect, it } from 'vitest';
import type { TrackerServerStats } from '../../../src-shared/model';
import { baseName, defaultSeedOptions, parseTrackers, seedRequests } from './seed-options';

const stats = (running: boolean): TrackerServerStats => ({
  running,
  error: null,
  httpPort: 6969,
  udpPort: 6969,
  mode: 'allow-list',
  announceUrls: ['http://192.168.1.4:6969/announce', 'udp://192.168.1.4:6969/announce'],
  swarms: [],
  peers: 0,
  announcesPerSec: 0,
  scrapesPerSec: 0,
  rejected: {},
});

describe('seed options', () => {
  it('preselects the embedded tracker only while it runs', () => {
    expect(defaultSeedOptions(stats(true)).trackersText).toBe(
      'http://192.168.1.4:6969/announce\nudp://192.168.1.4:6969/announce',
    );
    expect(defaultSeedOptions(stats(false)).trackersText).toBe('');
    expect(defaultSeedOptions(null).private).toBe(false);
  });

  it('reads one tracker a line, drops blanks and repeats, reports the rest', () => {
    const text =
      ' udp://t.example:1337/announce \n\nhttp://a.example/announce\nftp://x\nnot a url\nudp://t.example:1337/announce';
    expect(parseTrackers(text)).toEqual({
      urls: ['udp://t.example:1337/announce', 'http://a.example/announce'],
      invalid: ['ftp://x', 'not a url'],
    });
  });

  it('makes one request per path with the same options', () => {
    const { requests, invalid } = seedRequests(['/a/x.bin', '/a/y.bin'], {
      trackersText: 'https://t.example/announce',
      private: true,
      comment: '  holiday photos ',
    });
    expect(invalid).toEqual([]);
    expect(requests).toEqual([
      {
        path: '/a/x.bin',
        trackers: ['https://t.example/announce'],
        private: true,
        comment: 'holiday photos',
      },
      {
        path: '/a/y.bin',
        trackers: ['https://t.example/announce'],
        private: true,
        comment: 'holiday photos',
      },
    ]);
    expect(
      seedRequests(['/z'], { trackersText: '', private: false, comment: ' ' }).requests,
    ).toEqual([{ path: '/z', trackers: [], private: false }]);
  });

  it('names files from POSIX and Windows paths', () => {
    expect(baseName('/home/me/film.mkv')).toBe('film.mkv');
    expect(baseName('C:\\Users\\me\\Music\\')).toBe('Music');
  });
});
