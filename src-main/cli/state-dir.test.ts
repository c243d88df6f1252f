import { describe, expect, it } from 'vitest';
import { cliStateDir } from './state-dir';

describe('cliStateDir', () => {
  it('uses $XDG_STATE_HOME when it is an absolute path', () => {
    expect(cliStateDir({ XDG_STATE_HOME: '/tmp/st' }, 'linux', '/home/u')).toBe(
      '/tmp/st/swarmscope',
    );
  });

  it('ignores a relative $XDG_STATE_HOME, as the XDG spec says', () => {
    expect(cliStateDir({ XDG_STATE_HOME: 'rel' }, 'linux', '/home/u')).toBe(
      '/home/u/.local/state/swarmscope',
    );
  });

  it('falls back to the platform place', () => {
    expect(cliStateDir({}, 'linux', '/home/u')).toBe('/home/u/.local/state/swarmscope');
    expect(cliStateDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/swarmscope/state',
    );
    expect(
      cliStateDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'),
    ).toBe('C:\\Users\\u\\AppData\\Local\\swarmscope\\state');
    expect(cliStateDir({}, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Local\\swarmscope\\state',
    );
  });
});
