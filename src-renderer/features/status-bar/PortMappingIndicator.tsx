import { useStore } from '../../store/store';
import { portMappingIndicator } from './port-mapping-status';
import './port-mapping.css';

/**
 * The status bar's port-mapping item (issue 18): whether the router forwards the listen port.
 * A button: it opens Settings, where the switch and the full state are.
 */
export function PortMappingIndicator() {
  const status = useStore((s) => s.session?.portMapping);
  const openSettings = useStore((s) => s.openSettings);
  const { state, text, label, title } = portMappingIndicator(status);
  return (
    <button
      type="button"
      className="status-item port-mapping-indicator"
      data-port-mapping={state}
      data-testid="port-mapping-status"
      aria-label={label}
      title={title}
      onClick={openSettings}
    >
      <span className="status-dot port-mapping-dot" aria-hidden="true" />
      {text}
    </button>
  );
}
