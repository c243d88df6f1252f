import { describe, expect, it, vi } from 'vitest';
import type { UiCommand } from '../../../src-shared/contract';

vi.mock('electron', () => ({
  Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
}));

const { buildMenuTemplate } = await import('./menu');

type Item = {
  label?: string;
  role?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: Item[];
};

function fileItems(isMac: boolean, onCommand?: (c: UiCommand) => void): Item[] {
  const template = buildMenuTemplate({ isMac, dev: false, onCommand }) as Item[];
  return template.find((m) => m.label === 'File')!.submenu!;
}

describe('application menu', () => {
  it('drives the renderer from File: open, seed a file or folder, tracker, settings', () => {
    const sent: UiCommand[] = [];
    const items = fileItems(false, (c) => sent.push(c));
    const byLabel = new Map(items.filter((i) => i.label).map((i) => [i.label!, i]));
    expect(byLabel.get('Open Torrent…')!.accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel.get('Seed a File…')!.accelerator).toBe('CmdOrCtrl+N');
    for (const label of [
      'Open Torrent…',
      'Seed a File…',
      'Seed a Folder…',
      'Tracker View',
      'Settings…',
    ]) {
      byLabel.get(label)!.click!();
    }
    expect(sent).toEqual(['open-torrent', 'seed-file', 'seed-folder', 'tracker-panel', 'settings']);
    expect(items.at(-1)!.role).toBe('quit');
  });

  it('has Edit, View, Window and Help, and closes instead of quitting from File on macOS', () => {
    const template = buildMenuTemplate({ isMac: true, dev: false }) as Item[];
    expect(template.map((m) => m.label ?? m.role)).toEqual([
      'appMenu',
      'File',
      'editMenu',
      'View',
      'windowMenu',
      'help',
    ]);
    expect(fileItems(true).map((i) => i.role)).toEqual(['close']);
    expect(fileItems(true, () => undefined).some((i) => i.label === 'Preferences…')).toBe(true);
  });
});
