// electron-builder.yml checked by electron-builder's own loader and schema validator, plus the
// promises issue 7 makes about it (targets, associations, desktop entry, asar, fuses).
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { desktopAppId } from '../src-main/host/electron/desktop/index';

const root = path.resolve(import.meta.dirname, '..');

// validateConfiguration only reads `isEnabled` and calls `add` on its debug logger.
const quietLogger = { isEnabled: false, add: () => undefined } as unknown as Parameters<
  typeof validateConfiguration
>[1];

async function loadConfig(): Promise<Configuration> {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null);
}

type TargetList = Array<string | { target: string; arch?: string[] }>;

function targets(list: unknown): { name: string; arch: string[] }[] {
  return ((list ?? []) as TargetList).map((t) =>
    typeof t === 'string' ? { name: t, arch: [] } : { name: t.target, arch: t.arch ?? [] },
  );
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validateConfiguration", async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('fails validation with an unknown key', async () => {
    const config = { ...(await loadConfig()), installerFlavour: 'extra' } as Configuration;
    await expect(validateConfiguration(config, quietLogger)).rejects.toThrow(
      /does not match the API schema/,
    );
  });

  it('fails validation with a wrong type', async () => {
    const base = await loadConfig();
    await expect(
      validateConfiguration({ ...base, asar: 'yes' } as unknown as Configuration, quietLogger),
    ).rejects.toThrow(/asar/);
    await expect(
      validateConfiguration(
        { ...base, nsis: { ...base.nsis, perMachine: 'no' } } as unknown as Configuration,
        quietLogger,
      ),
    ).rejects.toThrow(/perMachine/);
  });

  it('declares identity, asar and only built output', async () => {
    const c = await loadConfig();
    expect(c.appId).toBe('org.swarmscope.desktop');
    expect(desktopAppId).toBe(c.appId); // Windows AppUserModelID must match the installer's
    expect(c.productName).toBe('Swarmscope');
    expect(c.copyright).toMatch(/Swarmscope/);
    expect(c.asar).toBe(true);
    // getConfig normalises the list into one file set.
    const files = (c.files as Array<{ filter: string[] }>)[0]!.filter;
    expect(files.filter((f) => !f.startsWith('!'))).toEqual([
      'package.json',
      'out/package.json',
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'out/lab/**',
      'assets/tray/**',
      'assets/badges/**',
    ]);
    expect(files).toEqual(expect.arrayContaining(['!**/*.map', '!**/node_modules/**']));
  });

  it('targets AppImage/deb/tar.gz, per-user nsis x64+arm64, dmg x64+arm64', async () => {
    const c = await loadConfig();
    expect(targets(c.linux?.target).map((t) => t.name)).toEqual(['AppImage', 'deb', 'tar.gz']);
    expect(targets(c.win?.target)).toEqual([{ name: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(c.nsis?.perMachine).toBe(false);
    expect(c.nsis?.oneClick).toBe(true);
    expect(targets(c.mac?.target)).toEqual([{ name: 'dmg', arch: ['x64', 'arm64'] }]);
  });

  it('associates .torrent and magnet, with the Linux desktop entry to match', async () => {
    const c = await loadConfig();
    expect(c.fileAssociations).toEqual([
      expect.objectContaining({ ext: 'torrent', mimeType: 'application/x-bittorrent' }),
    ]);
    expect(c.protocols).toEqual([expect.objectContaining({ schemes: ['magnet'] })]);
    const entry = (c.linux?.desktop as { entry: Record<string, string> }).entry;
    expect(entry.Categories!.split(';').filter(Boolean)).toEqual([
      'Network',
      'P2P',
      'FileTransfer',
    ]);
    expect(entry.MimeType!.split(';').filter(Boolean)).toEqual([
      'application/x-bittorrent',
      'x-scheme-handler/magnet',
    ]);
  });

  it('points every platform at the generated icons', async () => {
    const c = await loadConfig();
    expect(c.linux?.icon).toBe('assets/icons/png');
    expect(c.win?.icon).toBe('assets/icons/icon.ico');
    expect(c.mac?.icon).toBe('assets/icons/icon.icns');
  });

  it('flips the security fuses', async () => {
    const c = await loadConfig();
    expect(c.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('has a dist script per OS, each used by the release workflow, none publishing', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const workflow = await readFile(path.join(root, '.github/workflows/release.yml'), 'utf8');
    for (const [script, flag] of [
      ['dist:linux', '--linux'],
      ['dist:win', '--win'],
      ['dist:mac', '--mac'],
    ] as const) {
      expect(pkg.scripts[script]).toMatch(new RegExp(`electron-builder ${flag} --publish never$`));
      expect(workflow).toContain(`dist: ${script}`);
    }
    expect(workflow).toMatch(/os: ubuntu-latest[\s\S]*os: windows-latest[\s\S]*os: macos-latest/);
  });
});
