/**
 * The add dialog (issue 6): for the torrent at the head of the add queue, its name, size and
 * file tree with checkboxes (unchecked files become `skipFiles`), and the save folder, before
 * anything starts. Several dropped torrents are shown one after another.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TorrentFileInfo } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { formatBytes } from '../../lib/format';
import type { PendingAdd } from '../../store/add-seed-slice';
import { useStore } from '../../store/store';
import { addFooterNote } from './add-footer-note';
import { addAll } from './add-all';
import { usePathPicker } from '../file-browser/use-path-picker';
import { startAdd } from './add-torrents';
import {
  buildFileTree,
  checkState,
  selectedBytes,
  skipFilesOf,
  toggleNode,
  type FileNode,
} from './file-tree';
import { Modal } from './Modal';
// --- labels (issue 21) ---
import { normalizeLabel } from '../../../src-shared/model';
import { AddLabelField } from '../labels/AddLabelField';
import { savePathAfterLabel } from '../labels/label-save-path';

/** Bigger trees open with only the top level expanded, so the dialog opens instantly. */
const expandAllMaxFiles = 200;

function TreeCheckbox({
  node,
  selected,
  onToggle,
}: {
  node: FileNode;
  selected: ReadonlySet<number>;
  onToggle(node: FileNode): void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const state = checkState(node, selected);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'mixed';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={state === 'checked'}
      aria-checked={state === 'mixed' ? 'mixed' : state === 'checked'}
      aria-label={`Download ${node.name}`}
      onChange={() => onToggle(node)}
    />
  );
}

function TreeRows({
  node,
  depth,
  selected,
  expanded,
  onToggle,
  onExpand,
}: {
  node: FileNode;
  depth: number;
  selected: ReadonlySet<number>;
  expanded: ReadonlySet<string>;
  onToggle(node: FileNode): void;
  onExpand(path: string): void;
}) {
  return (
    <>
      {node.children?.map((child) => {
        const isDir = child.children !== undefined;
        const open = expanded.has(child.path);
        return (
          <div
            key={child.path}
            role="treeitem"
            aria-expanded={isDir ? open : undefined}
            aria-selected={false}
          >
            <div className="tree-row" style={{ paddingLeft: 8 + depth * 18 }}>
              {isDir ? (
                <button
                  type="button"
                  className="tree-twisty"
                  aria-label={open ? `Collapse ${child.name}` : `Expand ${child.name}`}
                  onClick={() => onExpand(child.path)}
                >
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span className="tree-twisty" aria-hidden="true" />
              )}
              <label className="tree-label">
                <TreeCheckbox node={child} selected={selected} onToggle={onToggle} />
                <span className="tree-icon" data-kind={isDir ? 'dir' : 'file'} aria-hidden="true" />
                <span className="tree-name">{child.name}</span>
              </label>
              <span className="tree-size">{formatBytes(child.sizeBytes)}</span>
            </div>
            {isDir && open && (
              <div role="group">
                <TreeRows
                  node={child}
                  depth={depth + 1}
                  selected={selected}
                  expanded={expanded}
                  onToggle={onToggle}
                  onExpand={onExpand}
                />
              </div>
            )}
          </div>
        );
      })}
    </>
  );
}

function allFolders(node: FileNode, out: string[] = []): string[] {
  for (const c of node.children ?? []) {
    if (c.children) {
      out.push(c.path);
      allFolders(c, out);
    }
  }
  return out;
}

function initialExpanded(root: FileNode, files: readonly TorrentFileInfo[]): Set<string> {
  if (files.length <= expandAllMaxFiles) return new Set(allFolders(root));
  return new Set((root.children ?? []).filter((c) => c.children).map((c) => c.path));
}

function AddForm({ item, remaining }: { item: PendingAdd; remaining: number }) {
  const settings = useStore((s) => s.settings);
  const setSettings = useStore((s) => s.setSettings);
  const shiftAdd = useStore((s) => s.shiftAdd);
  const clearAdds = useStore((s) => s.clearAdds);
  const pushToast = useStore((s) => s.pushToast);
  const { preview } = item;
  const root = useMemo(() => buildFileTree(preview.files), [preview.files]);
  const [selected, setSelected] = useState<ReadonlySet<number>>(
    () => new Set(preview.files.map((f) => f.index)),
  );
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() =>
    initialExpanded(root, preview.files),
  );
  const [savePath, setSavePath] = useState(settings?.downloadDir ?? '');
  const [paused, setPaused] = useState(false);
  const [label, setLabel] = useState(''); // --- labels (issue 21)
  const [busy, setBusy] = useState(false);
  const { pick, browser } = usePathPicker();

  useEffect(() => {
    if (settings) return;
    getClient()
      .invoke('settings.get', {})
      .then(
        (s) => {
          setSettings(s);
          setSavePath((p) => p || s.downloadDir);
        },
        () => undefined, // the field stays empty: the host then uses its download folder
      );
  }, [settings, setSettings]);

  const wanted = selectedBytes(preview.files, selected);
  const nothing = selected.size === 0;
  // A duplicate: the copy already in the list, for the footer (issue 21).
  const existing = useStore((s) => s.torrents.get(preview.id));
  const multiFile = preview.files.length > 1;

  const add = async () => {
    setBusy(true);
    const ok = await startAdd(
      getClient(),
      item,
      {
        savePath: savePath.trim() || undefined,
        skipFiles: skipFilesOf(preview.files, selected),
        paused,
        label: normalizeLabel(label) ?? undefined, // --- labels (issue 21)
      },
      pushToast,
    );
    setBusy(false);
    if (ok) shiftAdd();
  };

  // --- Add all (issue 21) ---
  const addEvery = async () => {
    setBusy(true);
    await addAll(
      getClient(),
      useStore.getState().addQueue,
      {
        savePath: savePath.trim() || undefined,
        skipFiles: skipFilesOf(preview.files, selected),
        paused,
      },
      pushToast,
    );
    setBusy(false);
    clearAdds();
  };

  return (
    <Modal
      title={preview.name}
      subtitle={
        <>
          {formatBytes(preview.sizeBytes)} · {preview.files.length}{' '}
          {preview.files.length === 1 ? 'file' : 'files'} · {preview.pieceCount} pieces of{' '}
          {formatBytes(preview.pieceLength)}
          {preview.private && ' · private'}
          {remaining > 1 && ` · 1 of ${remaining} to add`}
        </>
      }
      onClose={remaining > 1 ? shiftAdd : clearAdds}
      size="wide"
      testId="add-dialog"
      footer={
        <>
          <span className="footer-note">
            {addFooterNote({
              alreadyAdded: preview.alreadyAdded,
              existing,
              wantedBytes: wanted,
              nothingSelected: nothing,
            })}
          </span>
          {remaining > 1 && (
            <button type="button" className="button" onClick={clearAdds}>
              Cancel all
            </button>
          )}
          {remaining > 1 && (
            <button
              type="button"
              className="button"
              disabled={busy}
              title="Add every torrent waiting here, to this folder; the others with all their files"
              onClick={() => void addEvery()}
            >
              Add all {remaining}
            </button>
          )}
          <button type="button" className="button" onClick={remaining > 1 ? shiftAdd : clearAdds}>
            {remaining > 1 ? 'Skip' : 'Cancel'}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || nothing || preview.alreadyAdded}
            onClick={() => void add()}
          >
            Add
          </button>
        </>
      }
    >
      {preview.alreadyAdded && (
        <div className="notice" role="status">
          This torrent is already in your list.
        </div>
      )}
      {preview.comment && <p className="preview-comment">{preview.comment}</p>}
      {/* --- labels (issue 21): the folder follows the label unless the user chose one */}
      {item.magnetId === undefined && (
        <AddLabelField
          value={label}
          onChange={(next) => {
            setSavePath((shown) => savePathAfterLabel(shown, settings, label, next));
            setLabel(next);
          }}
        />
      )}
      <div className="field">
        <label className="field-label" htmlFor="add-save-path">
          Save to
        </label>
        <div className="field-row">
          <input
            id="add-save-path"
            className="input mono"
            value={savePath}
            onChange={(e) => setSavePath(e.target.value)}
            disabled={item.magnetId !== undefined}
            spellCheck={false}
            placeholder="The download folder"
          />
          <button
            type="button"
            className="button"
            disabled={item.magnetId !== undefined}
            onClick={() => {
              void pick('folder', savePath.trim() || undefined).then((p) => p && setSavePath(p));
            }}
          >
            Browse…
          </button>
        </div>
      </div>
      <div className="field">
        <div className="field-label field-label-row">
          <span>Files</span>
          {multiFile && (
            <span className="field-actions">
              <button
                type="button"
                className="link-button"
                onClick={() => setSelected(new Set(preview.files.map((f) => f.index)))}
              >
                Select all
              </button>
              <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
                Select none
              </button>
            </span>
          )}
        </div>
        <div
          className="file-tree"
          role="tree"
          aria-label="Files in the torrent"
          aria-multiselectable="true"
        >
          <TreeRows
            node={root}
            depth={0}
            selected={selected}
            expanded={expanded}
            onToggle={(node) => setSelected((s) => toggleNode(node, s))}
            onExpand={(path) =>
              setExpanded((e) => {
                const next = new Set(e);
                if (next.has(path)) next.delete(path);
                else next.add(path);
                return next;
              })
            }
          />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />
        Add paused
      </label>
      {browser}
    </Modal>
  );
}

export function AddTorrentDialog() {
  const queue = useStore((s) => s.addQueue);
  const head = queue[0];
  if (!head) return null;
  return <AddForm key={head.preview.id} item={head} remaining={queue.length} />;
}
