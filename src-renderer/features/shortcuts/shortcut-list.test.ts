import { describe, expect, it } from 'vitest';
import { opensShortcutList, shortcutGroups } from './shortcut-list';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('the shortcut list (issue 21)', () => {
  it('opens on ? outside text fields only', () => {
    expect(opensShortcutList(key('?'), { tagName: 'BODY' })).toBe(true);
    expect(opensShortcutList(key('?'), null)).toBe(true);
    expect(opensShortcutList(key('?'), { tagName: 'INPUT' })).toBe(false);
    expect(opensShortcutList(key('?'), { tagName: 'textarea' })).toBe(false);
    expect(opensShortcutList(key('?'), { tagName: 'DIV', isContentEditable: true })).toBe(false);
    expect(opensShortcutList(key('?', { ctrlKey: true }), { tagName: 'BODY' })).toBe(false);
    expect(opensShortcutList(key('/'), { tagName: 'BODY' })).toBe(false);
  });

  it('names the platform modifier and lists ? itself', () => {
    const mac = shortcutGroups(true).flatMap((g) => g.shortcuts);
    const pc = shortcutGroups(false).flatMap((g) => g.shortcuts);
    expect(mac.find((s) => s.action === 'Settings')?.keys).toEqual(['⌘', ',']);
    expect(pc.find((s) => s.action === 'Settings')?.keys).toEqual(['Ctrl', ',']);
    expect(pc.some((s) => s.keys.join() === '?')).toBe(true);
  });
});
