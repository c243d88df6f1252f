import { describe, expect, it } from 'vitest';
import { copyText, type ClipboardDeps } from './clipboard';

function deps(over: Partial<ClipboardDeps>, log: string[]): ClipboardDeps {
  return {
    transport: 'websocket',
    api: {
      invoke: (async (name: string, req: { text: string }) => {
        log.push(`host ${name} ${req.text}`);
      }) as never,
    },
    legacyCopy: (t) => {
      log.push(`legacy ${t}`);
      return true;
    },
    ...over,
  };
}

describe('copyText', () => {
  it('uses the host clipboard in Electron', async () => {
    const log: string[] = [];
    expect(await copyText('m', deps({ transport: 'electron' }, log))).toBe('copied');
    expect(log).toEqual(['host clipboard.writeText m']);
  });

  it('uses navigator.clipboard in a secure page, the textarea fallback otherwise', async () => {
    const log: string[] = [];
    const clipboard = { writeText: async (t: string) => void log.push(`nav ${t}`) };
    await copyText('a', deps({ clipboard }, log));
    await copyText('b', deps({}, log));
    expect(log).toEqual(['nav a', 'legacy b']);
  });

  it('falls back when a way fails, and says so when none works', async () => {
    const log: string[] = [];
    const refusing = {
      transport: 'electron' as const,
      api: { invoke: (async () => Promise.reject({ code: 'forbidden' })) as never },
      clipboard: { writeText: async () => Promise.reject(new Error('denied')) },
    };
    expect(await copyText('c', deps(refusing, log))).toBe('copied');
    expect(log).toEqual(['legacy c']);
    expect(await copyText('d', deps({ ...refusing, legacyCopy: () => false }, log))).toBe('failed');
  });
});
