/**
 * The status bar's port-mapping item (issue 18): a compact word beside the port, the full
 * sentence as its accessible name, and the detail on hover. Pure; unit-tested.
 */
import type { PortMappingStatus } from '../../../src-shared/model';
import {
  portMappingDetail,
  portMappingLine,
  protocolName,
  summarizePortMapping,
} from '../../../src-shared/port-mapping-summary';

export type PortMappingIndicatorState = 'off' | 'searching' | 'mapped' | 'failed';

export function portMappingIndicator(status: PortMappingStatus | undefined): {
  state: PortMappingIndicatorState;
  /** What the bar shows. */
  text: string;
  /** The accessible name: the whole sentence. */
  label: string;
  /** The tooltip: the sentence and what it means. */
  title: string;
} {
  const summary = summarizePortMapping(status);
  const line = portMappingLine(summary);
  const title = `${line}. ${portMappingDetail(summary)}`;
  switch (summary.kind) {
    case 'off':
      return { state: 'off', text: 'Not mapped', label: line, title };
    case 'searching':
      return { state: 'searching', text: 'Mapping…', label: line, title };
    case 'mapped':
      return {
        state: 'mapped',
        text: `Open via ${protocolName(summary.protocol)}`,
        label: line,
        title,
      };
    case 'failed':
      return { state: 'failed', text: 'Not forwarded', label: line, title };
  }
}
