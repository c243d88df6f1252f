/**
 * "Save .torrent…" and "Show in folder" wherever the renderer runs: in Electron through the
 * host's native dialog and shell; in a browser, a Blob download of `torrent.export` (the web
 * host has no shell to show a folder in).
 */
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';

function safeFileName(name: string): string {
  const cleaned = Array.from(name.replace(/\.torrent$/i, ''), (c) =>
    c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c,
  ).join('');
  return `${cleaned.trim() || 'torrent'}.torrent`;
}

/** Resolves with where it was saved (Electron) or the downloaded file's name (browser); null if cancelled. */
export async function saveTorrentFile(id: TorrentId): Promise<string | null> {
  const client = getClient();
  if (client.transport === 'electron') {
    try {
      return (await client.invoke('dialog.saveTorrent', { id })).path;
    } catch (err) {
      if (toApiError(err).code !== 'forbidden') throw err;
    }
  }
  const { name, torrentFile } = await client.invoke('torrent.export', { id });
  const blob = new Blob([torrentFile as Uint8Array<ArrayBuffer>], {
    type: 'application/x-bittorrent',
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once click() returns; revoke on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return a.download;
}

/** Electron only: reveals a torrent's content in the file manager. */
export async function showInFolder(savePath: string, name: string): Promise<void> {
  const sep = savePath.includes('\\') && !savePath.includes('/') ? '\\' : '/';
  const path = savePath.endsWith(sep) ? `${savePath}${name}` : `${savePath}${sep}${name}`;
  await getClient().invoke('shell.showItem', { path });
}
