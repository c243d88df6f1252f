import { useStore } from '../../store/store';
import { dhtStatusText } from './dht-status';

/** The status bar's DHT item (issue 17): nodes, lookups in flight; peers per source on hover. */
export function DhtStatusLine() {
  const dht = useStore((s) => s.session?.dht);
  const { text, state, title } = dhtStatusText(dht);
  return (
    <span className="status-item" data-dht={state} data-testid="dht-status" title={title}>
      <span className="status-dot dht-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
