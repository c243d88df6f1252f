/**
 * The host's own file browser (issue 6): a web page cannot see paths on the host, so the web
 * UI browses the host's folders over `fs.list`, starting at the download folder. Picks a file
 * or a folder. Keyboard: arrows move, Enter opens a folder or chooses a file, Backspace goes up.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirEntry, DirListing } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { formatBytes } from '../../lib/format';
import { Modal } from '../add-and-seed/Modal';
import { pathCrumbs } from './path-crumbs';
import './file-browser.css';

export interface FileBrowserProps {
  mode: 'file' | 'folder';
  /** Absent: the host's download folder. */
  startPath?: string;
  onPick(path: string): void;
  onClose(): void;
  // --- one file picker (issue 21) ---
  /** In file mode: which files can be chosen (others are shown dimmed). */
  accept?: (name: string) => boolean;
  /** Offers "From this computer…", for a browser on another machine than the host. */
  onUpload?: () => void;
  /** The dialog's title, when "Choose a file on the host" does not say what for. */
  title?: string;
}

export function FileBrowser({
  mode,
  startPath,
  onPick,
  onClose,
  accept,
  onUpload,
  title,
}: FileBrowserProps) {
  const pickable = (e: DirEntry | null) =>
    e?.kind === 'file' && (accept === undefined || accept(e.name)); // --- issue 21
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const list = useRef<HTMLUListElement>(null);
  const seq = useRef(0);

  const open = useCallback((path?: string) => {
    const mine = ++seq.current;
    setLoading(true);
    getClient()
      .invoke('fs.list', path === undefined ? {} : { path })
      .then(
        (l) => {
          if (mine !== seq.current) return;
          setListing(l);
          setTyped(l.path);
          setSelected(null);
          setError(null);
        },
        (err: unknown) => {
          if (mine === seq.current) setError(toApiError(err).message);
        },
      )
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, []);

  useEffect(() => open(startPath), [open, startPath]);

  const entries = listing?.entries ?? [];
  const selectedEntry = entries.find((e) => e.path === selected) ?? null;
  const canChoose = mode === 'file' ? pickable(selectedEntry) : listing !== null && !loading;
  const choose = () => {
    if (mode === 'file' && selectedEntry && pickable(selectedEntry)) onPick(selectedEntry.path);
    else if (mode === 'folder' && listing) {
      onPick(selectedEntry?.kind === 'dir' ? selectedEntry.path : listing.path);
    }
  };
  const activate = (e: DirEntry) => {
    if (e.kind === 'dir') open(e.path);
    else if (mode === 'file' && pickable(e)) onPick(e.path);
  };

  const onListKey = (ev: React.KeyboardEvent) => {
    const i = entries.findIndex((e) => e.path === selected);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next =
        entries[Math.max(0, Math.min(entries.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)))];
      if (next) {
        setSelected(next.path);
        list.current
          ?.querySelector(`[data-index="${entries.indexOf(next)}"]`)
          ?.scrollIntoView({ block: 'nearest' });
      }
    } else if (ev.key === 'Enter' && selectedEntry) {
      ev.preventDefault();
      activate(selectedEntry);
    } else if (ev.key === 'Backspace' && listing?.parent) {
      ev.preventDefault();
      open(listing.parent);
    }
  };

  return (
    <Modal
      title={
        title ?? (mode === 'file' ? 'Choose a file on the host' : 'Choose a folder on the host')
      }
      subtitle="These are the files of the computer running Swarmscope."
      onClose={onClose}
      size="wide"
      testId="file-browser"
      footer={
        <>
          <span className="footer-note">
            {mode === 'folder'
              ? `Chooses ${selectedEntry?.kind === 'dir' ? selectedEntry.name : 'the folder shown'}`
              : selectedEntry?.kind === 'file'
                ? `${selectedEntry.name}, ${formatBytes(selectedEntry.sizeBytes)}`
                : 'Select a file'}
          </span>
          {onUpload && (
            <button type="button" className="button" onClick={onUpload}>
              From this computer…
            </button>
          )}
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!canChoose}
            onClick={choose}
          >
            {mode === 'file' ? 'Choose file' : 'Choose folder'}
          </button>
        </>
      }
    >
      <form
        className="browser-path"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) open(typed.trim());
        }}
      >
        <button
          type="button"
          className="button"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && open(listing.parent)}
          aria-label="Up one folder"
        >
          ↑ Up
        </button>
        <input
          className="input mono"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          aria-label="Folder path"
          spellCheck={false}
        />
        <button type="submit" className="button">
          Go
        </button>
      </form>
      {listing && (
        <nav className="crumbs" aria-label="Folder path">
          {pathCrumbs(listing.path).map((c, i, all) => (
            <span key={c.path}>
              <button
                type="button"
                className="crumb"
                onClick={() => open(c.path)}
                aria-current={i === all.length - 1 ? 'location' : undefined}
              >
                {c.label}
              </button>
              {i < all.length - 1 && c.label !== '/' && <span className="crumb-sep">/</span>}
            </span>
          ))}
        </nav>
      )}
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <ul
        ref={list}
        className="browser-list"
        role="listbox"
        aria-label="Folder contents"
        tabIndex={0}
        data-autofocus
        onKeyDown={onListKey}
        aria-busy={loading}
      >
        {entries.length === 0 && !loading && (
          <li className="browser-empty">This folder is empty.</li>
        )}
        {entries.map((e, i) => (
          <li
            key={e.path}
            data-index={i}
            role="option"
            aria-selected={e.path === selected}
            className="browser-entry"
            data-kind={e.kind}
            data-disabled={
              e.kind === 'file' && (mode === 'folder' || !pickable(e)) ? 'true' : undefined
            }
            onClick={() => setSelected(e.path)}
            onDoubleClick={() => activate(e)}
          >
            <span className="entry-icon" aria-hidden="true" />
            <span className="entry-name">{e.name}</span>
            <span className="entry-size">{e.kind === 'file' ? formatBytes(e.sizeBytes) : ''}</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
