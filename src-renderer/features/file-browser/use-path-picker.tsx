/**
 * Picking a file or folder on the host: the native dialog in Electron (`dialog.openPath`), the
 * host file browser everywhere else (the web host answers `dialog.openPath` with 'forbidden').
 * `pick` resolves with the chosen path, or null when the user cancelled.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { OpenPathKind } from '../../../src-shared/contract';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { FileBrowser } from './FileBrowser';

interface Pending {
  kind: OpenPathKind;
  startPath?: string;
  resolve(path: string | null): void;
}

export function usePathPicker(): {
  pick(kind: OpenPathKind, startPath?: string): Promise<string | null>;
  browser: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);

  const pick = useCallback(async (kind: OpenPathKind, startPath?: string) => {
    const client = getClient();
    if (client.transport === 'electron') {
      try {
        const req = startPath ? { kind, defaultPath: startPath } : { kind };
        return (await client.invoke('dialog.openPath', req)).path;
      } catch (err) {
        if (toApiError(err).code !== 'forbidden') throw err;
      }
    }
    current.current?.resolve(null);
    return new Promise<string | null>((resolve) => {
      const p = { kind, startPath, resolve };
      current.current = p;
      setPending(p);
    });
  }, []);

  const finish = (path: string | null) => {
    current.current?.resolve(path);
    current.current = null;
    setPending(null);
  };

  const browser = pending ? (
    <FileBrowser
      mode={pending.kind}
      startPath={pending.startPath}
      onPick={(p) => finish(p)}
      onClose={() => finish(null)}
    />
  ) : null;
  return { pick, browser };
}
