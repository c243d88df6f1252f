import { useMemo } from 'react';
import { useColorScheme } from '../../../components/piece-map/use-color-scheme';
import { useStore } from '../../../store/store';
import { buildGraphModel } from './graph-model';
import { graphColors } from './graph-painter';
import { SwarmGraph } from './SwarmGraph';
import './swarm-graph.css';

/**
 * The Swarm tab (issue 19): the graph of who we exchange bytes with, from the Peers and Trackers
 * views (the tab watches both), with a text summary and a legend.
 */
export function SwarmTab() {
  const peers = useStore((s) => s.peers);
  const trackers = useStore((s) => s.trackers);
  const torrent = useStore((s) => (s.detailId ? s.torrents.get(s.detailId) : undefined));
  const progress = torrent?.progress ?? 0;
  const downRateBps = torrent?.downRateBps ?? 0;
  const upRateBps = torrent?.upRateBps ?? 0;
  const scheme = useColorScheme();
  const model = useMemo(
    () => buildGraphModel(peers ?? [], trackers ?? [], { progress, downRateBps, upRateBps }),
    [peers, trackers, progress, downRateBps, upRateBps],
  );
  if (peers === null) return <div className="tab-waiting">Loading the swarm…</div>;
  const c = graphColors[scheme];
  return (
    <div className="tab-body swarm-tab">
      <div className="tab-toolbar">
        {/* Not a live region: it changes with every update, 4 times a second. */}
        <span className="tab-summary" data-testid="swarm-summary">
          {model.summary}
        </span>
      </div>
      <ul className="swarm-legend" aria-label="Swarm graph legend">
        <li>
          <span className="swarm-legend-line" style={{ background: c.down }} aria-hidden="true" />
          Download (toward us)
        </li>
        <li>
          <span className="swarm-legend-line" style={{ background: c.up }} aria-hidden="true" />
          Upload (toward the peer)
        </li>
        <li>
          <span className="swarm-legend-pie" aria-hidden="true" />
          Fill: the peer&apos;s progress
        </li>
        <li>
          <span
            className="swarm-legend-diamond"
            style={{ borderColor: c.trackerOk }}
            aria-hidden="true"
          />
          Tracker
        </li>
        {model.groups.map((g, i) => (
          <li key={g.name} data-client-group={g.name}>
            <span
              className="swarm-legend-dot"
              style={{ background: c.groups[i % c.groups.length] }}
              aria-hidden="true"
            />
            {g.name} ({g.peers})
          </li>
        ))}
      </ul>
      <SwarmGraph model={model} scheme={scheme} />
    </div>
  );
}
