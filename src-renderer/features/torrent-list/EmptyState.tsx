import { OpenTorrentButton } from '../add-and-seed/OpenTorrentButton';

/** What a newcomer sees first: what to do, in two sentences and one button. */
export function EmptyState() {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <div className="empty-illustration" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <h1 id="empty-title">No torrents yet</h1>
      <p>
        Drop a <strong>.torrent</strong> file anywhere on this window, or pick one with the{' '}
        <em>Open torrent</em> button, then choose its files and where to save them.
      </p>
      <p className="empty-secondary">
        To share your own files, seed a file or a folder: Swarmscope creates the torrent and a
        magnet link others can use.
      </p>
      <OpenTorrentButton />
    </section>
  );
}
