/** The tracker client (issue 4): HTTP(S) and UDP announces and scrapes, BEP 12 tiers. */
export { TrackerClient } from './tracker-client';
export type { TrackerClientOptions } from './tracker-client';
export {
  nextAnnounceAt,
  earliestAnnounceAt,
  retryDelayMs,
  clampIntervalSec,
} from './announce-policy';
export type { AnnounceTiming } from './announce-policy';
export { buildGroups, promote, isSupportedTrackerUrl } from './tiers';
export { TrackerRequestError } from './errors';
