import { useMemo, useState } from 'react';
import type { FilePriority, TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { errorText } from '../../lib/error-text';
import { VirtualList } from '../../components/virtual-list/VirtualList';
import { formatBytes, formatPercent } from '../../lib/format';
import { buildFileTree, flattenFileTree, type FileRow } from '../../store/detail-selectors';
import { useStore } from '../../store/store';

const rowPx = 28;
const priorities: FilePriority[] = ['skip', 'normal', 'high'];
const priorityLabels: Record<FilePriority, string> = {
  skip: 'Skip',
  normal: 'Normal',
  high: 'High',
};

async function setPriority(id: TorrentId, files: number[], priority: FilePriority): Promise<void> {
  try {
    await getClient().invoke('torrent.setFilePriority', { id, files, priority });
  } catch (err) {
    useStore.getState().pushToast({
      level: 'error',
      title: 'Could not change the priority',
      ...errorText(err),
    });
  }
}

function FileLine({
  row,
  id,
  collapsed,
  onToggle,
}: {
  row: FileRow;
  id: TorrentId;
  collapsed: boolean;
  onToggle(path: string): void;
}) {
  const { node, depth } = row;
  const progress = node.sizeBytes > 0 ? node.doneBytes / node.sizeBytes : 1;
  const isDir = node.kind === 'dir';
  return (
    <>
      <span className="vcell grow f-name" role="cell" style={{ paddingLeft: 8 + depth * 16 }}>
        {isDir ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={!collapsed}
            aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${node.name}`}
            onClick={() => onToggle(node.path)}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="tree-leaf" aria-hidden="true" />
        )}
        <span className={isDir ? 'f-dir' : 'f-file'} title={node.path}>
          {node.name}
        </span>
      </span>
      <span className="vcell num f-size" role="cell">
        {formatBytes(node.sizeBytes)}
      </span>
      <span className="vcell f-prog" role="cell">
        <span className="progress">
          <span className="progress-track">
            <span
              className="progress-fill"
              style={{ width: `${progress * 100}%`, display: 'block' }}
            />
          </span>
          <span className="progress-label">{formatPercent(progress)}</span>
        </span>
      </span>
      <span className="vcell f-prio" role="cell">
        <select
          className="priority-select"
          aria-label={`Priority of ${node.name}`}
          value={node.priority}
          data-priority={node.priority}
          onChange={(e) =>
            void setPriority(id, node.fileIndices, e.currentTarget.value as FilePriority)
          }
        >
          {node.priority === 'mixed' && (
            <option value="mixed" disabled>
              Mixed
            </option>
          )}
          {priorities.map((p) => (
            <option key={p} value={p}>
              {priorityLabels[p]}
            </option>
          ))}
        </select>
      </span>
    </>
  );
}

/** The torrent's files as a folder tree: size, progress, and priority (skip, normal, high). */
export function FilesTab({ id }: { id: TorrentId }) {
  const files = useStore((s) => s.files);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const tree = useMemo(() => (files ? buildFileTree(files) : null), [files]);
  const rows = useMemo(() => (tree ? flattenFileTree(tree, collapsed) : []), [tree, collapsed]);
  if (files === null || tree === null) return <div className="tab-waiting">Loading files…</div>;
  const toggle = (path: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  return (
    <div className="tab-body">
      <div className="tab-toolbar">
        <span className="tab-summary">
          {files.length} {files.length === 1 ? 'file' : 'files'}, {formatBytes(tree.sizeBytes)}
        </span>
      </div>
      <VirtualList
        label="Files"
        items={rows}
        rowPx={rowPx}
        rowKey={(r) => `${r.node.kind}:${r.node.path}`}
        renderRow={(r) => (
          <FileLine row={r} id={id} collapsed={collapsed.has(r.node.path)} onToggle={toggle} />
        )}
        header={
          <>
            <span className="vcell grow" role="columnheader">
              Name
            </span>
            <span className="vcell num f-size" role="columnheader">
              Size
            </span>
            <span className="vcell f-prog" role="columnheader">
              Progress
            </span>
            <span className="vcell f-prio" role="columnheader">
              Priority
            </span>
          </>
        }
      />
    </div>
  );
}
