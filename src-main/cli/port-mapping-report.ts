/**
 * The CLI's one line about port mapping (issue 18): said once, when the router first forwards
 * the listen port or when every protocol has given up; renewals and retries stay quiet.
 */
import type { PortMappingStatus } from '../../src-shared/model';
import {
  portMappingDetail,
  portMappingLine,
  summarizePortMapping,
} from '../../src-shared/port-mapping-summary';

/** Returns the handler for 'port-mapping-changed'; `say` gets the line once. */
export function portMappingReporter(
  say: (line: string) => void,
): (status: PortMappingStatus) => void {
  let said = false;
  return (status) => {
    const summary = summarizePortMapping(status);
    if (said || (summary.kind !== 'mapped' && summary.kind !== 'failed')) return;
    said = true;
    say(
      summary.kind === 'mapped'
        ? `${portMappingLine(summary)}: ${portMappingDetail(summary)}`
        : portMappingLine(summary),
    );
  };
}

/**
 * Test runners set SWARMSCOPE_NO_PORT_MAPPING=1 so that no CLI or web host they start ever talks
 * to the machine's real router; `--no-port-mapping` does the same for one command.
 */
export function portMappingAllowedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['SWARMSCOPE_NO_PORT_MAPPING'] !== '1';
}
