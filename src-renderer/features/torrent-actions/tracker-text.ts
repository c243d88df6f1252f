/**
 * "Edit trackers…" text (issue 21): one URL per line, a blank line between tiers (as
 * qBittorrent and Transmission write them). Within a tier the trackers are alternatives;
 * tiers are tried in order (BEP 12).
 */
export type TrackerTextResult = { ok: true; tiers: string[][] } | { ok: false; problem: string };

const trackerUrl = /^(https?|udp):\/\/[^\s/?#]+/i;

export function formatTrackerTiers(tiers: readonly (readonly string[])[]): string {
  return tiers.map((tier) => tier.join('\n')).join('\n\n');
}

export function parseTrackerText(text: string): TrackerTextResult {
  const tiers: string[][] = [];
  let tier: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      if (tier.length > 0) tiers.push(tier);
      tier = [];
      continue;
    }
    if (!trackerUrl.test(line))
      return {
        ok: false,
        problem: `“${line.slice(0, 80)}” is not an http, https or udp tracker URL.`,
      };
    if (seen.has(line)) return { ok: false, problem: `${line.slice(0, 80)} is listed twice.` };
    seen.add(line);
    tier.push(line);
  }
  if (tier.length > 0) tiers.push(tier);
  return { ok: true, tiers };
}
