/**
 * The port mapper's timings. The defaults are the RFCs' (bounded, see limits.ts); tests shorten
 * them so that a silent gateway fails in milliseconds of real time.
 */
import {
  NATPMP_INITIAL_RTO_MS,
  NATPMP_MAX_ATTEMPTS,
  PCP_INITIAL_RTO_MS,
  PCP_MAX_ATTEMPTS,
  PORT_MAPPING_CLOSE_WAIT_MS,
  PORT_MAPPING_LEASE_SEC,
  PORT_MAPPING_MIN_RENEW_MS,
  PORT_MAPPING_RETRY_MS,
  SSDP_ATTEMPTS,
  SSDP_WAIT_MS,
  UPNP_HTTP_TIMEOUT_MS,
} from '../limits';

export interface PortMappingTiming {
  leaseSec: number;
  minRenewMs: number;
  retryMs: number;
  closeWaitMs: number;
  natpmpInitialRtoMs: number;
  natpmpAttempts: number;
  pcpInitialRtoMs: number;
  pcpAttempts: number;
  ssdpWaitMs: number;
  ssdpAttempts: number;
  httpTimeoutMs: number;
}

export const DEFAULT_PORT_MAPPING_TIMING: PortMappingTiming = {
  leaseSec: PORT_MAPPING_LEASE_SEC,
  minRenewMs: PORT_MAPPING_MIN_RENEW_MS,
  retryMs: PORT_MAPPING_RETRY_MS,
  closeWaitMs: PORT_MAPPING_CLOSE_WAIT_MS,
  natpmpInitialRtoMs: NATPMP_INITIAL_RTO_MS,
  natpmpAttempts: NATPMP_MAX_ATTEMPTS,
  pcpInitialRtoMs: PCP_INITIAL_RTO_MS,
  pcpAttempts: PCP_MAX_ATTEMPTS,
  ssdpWaitMs: SSDP_WAIT_MS,
  ssdpAttempts: SSDP_ATTEMPTS,
  httpTimeoutMs: UPNP_HTTP_TIMEOUT_MS,
};

/**
 * When to renew a lease the router granted for `lifetimeSec`: at half, never sooner than
 * `minRenewMs`, and never later than half of what we asked for: a router that grants years (or
 * 2^32-1 s, past any timer's range) is renewed as if it granted our lease.
 */
export function renewAfterMs(lifetimeSec: number, timing: PortMappingTiming): number {
  const granted = Math.min(lifetimeSec, timing.leaseSec);
  return Math.max(timing.minRenewMs, (granted * 1000) / 2);
}
