import { useMemo } from 'react';
import { nextSort, sortTorrents } from '../../store/selectors';
import { useStore } from '../../store/store';
import { columns } from './columns';
import { EmptyState } from './EmptyState';
import { TorrentRow } from './TorrentRow';

/** The torrent table: sortable by any column; the empty state when there is nothing yet. */
export function TorrentList() {
  const torrents = useStore((s) => s.torrents);
  const synced = useStore((s) => s.seq >= 0);
  const sort = useStore((s) => s.sort);
  const setSort = useStore((s) => s.setSort);
  const rows = useMemo(() => sortTorrents(torrents, sort), [torrents, sort]);

  if (!synced) return <div className="loading">Loading…</div>;
  if (rows.length === 0) return <EmptyState />;
  return (
    <div className="table-scroll">
      <table className="torrent-table" aria-label="Torrents">
        <thead>
          <tr>
            {columns.map((c, i) => {
              const active = sort.key === c.key;
              return (
                <th
                  key={`${c.key}-${i}`}
                  className={`${c.className}${c.numeric ? ' num' : ''}`}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" onClick={() => setSort(nextSort(sort, c.key))}>
                    {c.label}
                    <span className="sort-mark" aria-hidden="true">
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <TorrentRow key={t.id} t={t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
