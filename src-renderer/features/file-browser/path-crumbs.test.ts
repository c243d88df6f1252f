import { describe, expect, it } from 'vitest';
import { pathCrumbs } from './path-crumbs';

describe('pathCrumbs', () => {
  it('walks a POSIX path from the root', () => {
    expect(pathCrumbs('/home/me/Downloads')).toEqual([
      { label: '/', path: '/' },
      { label: 'home', path: '/home' },
      { label: 'me', path: '/home/me' },
      { label: 'Downloads', path: '/home/me/Downloads' },
    ]);
    expect(pathCrumbs('/')).toEqual([{ label: '/', path: '/' }]);
  });

  it('walks a Windows path from the drive', () => {
    expect(pathCrumbs('C:\\Users\\me')).toEqual([
      { label: 'C:', path: 'C:\\' },
      { label: 'Users', path: 'C:\\Users' },
      { label: 'me', path: 'C:\\Users\\me' },
    ]);
  });
});
