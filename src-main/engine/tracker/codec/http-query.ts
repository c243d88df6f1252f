/**
 * HTTP tracker query strings (BEP 3 announce, BEP 48 scrape), in both directions.
 * Binary values (info_hash, peer_id) are percent-encoded byte by byte; only RFC 3986
 * unreserved characters go literally. Parsing never throws anything but TrackerProtocolError.
 */
import type { AnnounceEvent, AnnounceRequest } from './announce-request';
import { INFO_HASH_BYTES, PEER_ID_BYTES } from './announce-request';
import { TrackerProtocolError } from './errors';

/** Bounds on the free-text parameters a client controls (the rest are fixed-size or numbers). */
export const MAX_QUERY_TEXT_CHARS = 128;

const HEX = '0123456789ABCDEF';

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x5f ||
    b === 0x7e
  );
}

export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Decodes `%XX` escapes and form-style `+` (space) into bytes. Characters above 0xFF cannot
 * appear in a raw request line, so they are refused rather than guessed at.
 */
export function percentDecodeBytes(s: string, operation = 'decode query'): Uint8Array {
  const out = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const hi = i + 2 < s.length ? hexVal(s.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < s.length ? hexVal(s.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) {
        throw new TrackerProtocolError('bad-percent-encoding', operation, `bad escape at ${i}`);
      }
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c > 0xff) {
      throw new TrackerProtocolError(
        'bad-percent-encoding',
        operation,
        `non-byte character at ${i}`,
      );
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function percentDecodeText(s: string, field: string): string {
  const bytes = percentDecodeBytes(s, `decode ${field}`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function encodeText(s: string): string {
  return percentEncodeBytes(Buffer.from(s, 'utf8'));
}

/** The announce URL for `base` (which may already carry a query, as private trackers' do). */
export function buildAnnounceUrl(base: string, p: AnnounceRequest): string {
  const parts = [
    `info_hash=${percentEncodeBytes(p.infoHash)}`,
    `peer_id=${percentEncodeBytes(p.peerId)}`,
    `port=${p.port}`,
    `uploaded=${Math.max(0, Math.trunc(p.uploaded))}`,
    `downloaded=${Math.max(0, Math.trunc(p.downloaded))}`,
    `left=${Math.max(0, Math.trunc(p.left))}`,
  ];
  if (p.compact !== false) parts.push('compact=1');
  else if (p.noPeerId) parts.push('no_peer_id=1');
  if (p.event !== 'none') parts.push(`event=${p.event}`);
  if (p.numwant !== null) parts.push(`numwant=${Math.max(0, Math.trunc(p.numwant))}`);
  if (p.key !== null) parts.push(`key=${encodeText(p.key)}`);
  if (p.trackerId !== null) parts.push(`trackerid=${encodeText(p.trackerId)}`);
  if (p.ip !== null) parts.push(`ip=${encodeText(p.ip)}`);
  return base + (base.includes('?') ? '&' : '?') + parts.join('&');
}

/** BEP 48 scrape URL for one or many info-hashes. */
export function buildScrapeUrl(scrapeBase: string, infoHashes: readonly Uint8Array[]): string {
  const q = infoHashes.map((h) => `info_hash=${percentEncodeBytes(h)}`).join('&');
  return scrapeBase + (scrapeBase.includes('?') ? '&' : '?') + q;
}

/**
 * The scrape URL by the convention trackers follow: the last path segment `announce...` becomes
 * `scrape...`. null when the tracker cannot scrape (the segment is not `announce`).
 */
export function scrapeUrlFor(announceUrl: string): string | null {
  const q = announceUrl.indexOf('?');
  const path = q >= 0 ? announceUrl.slice(0, q) : announceUrl;
  const slash = path.lastIndexOf('/');
  if (slash < 0 || !path.startsWith('announce', slash + 1)) return null;
  return `${path.slice(0, slash + 1)}scrape${path.slice(slash + 1 + 'announce'.length)}${q >= 0 ? announceUrl.slice(q) : ''}`;
}

/** Splits a raw query (without `?`) into key/raw-value pairs; keys are decoded, values not. */
export function splitQuery(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq >= 0 ? part.slice(0, eq) : part;
    const value = eq >= 0 ? part.slice(eq + 1) : '';
    const key = rawKey.includes('%') ? percentDecodeText(rawKey, 'query key') : rawKey;
    out.push([key, value]);
  }
  return out;
}

function bad(field: string, why: string): TrackerProtocolError {
  return new TrackerProtocolError('bad-field', 'parse announce', `invalid ${field}: ${why}`, {
    field,
  });
}

function decodeField(raw: string, field: string): Uint8Array {
  try {
    return percentDecodeBytes(raw, `decode ${field}`);
  } catch (err) {
    throw new TrackerProtocolError(
      'bad-percent-encoding',
      'parse announce',
      `invalid ${field}: bad escape`,
      {
        cause: err,
        field,
      },
    );
  }
}

function parseCount(raw: string | undefined, field: string, required: boolean): number {
  if (raw === undefined || raw === '') {
    if (required) throw bad(field, 'missing');
    return 0;
  }
  if (!/^[0-9]{1,20}$/.test(raw)) throw bad(field, 'not a non-negative integer');
  const n = Number(raw);
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}

function parseEvent(raw: string | undefined): AnnounceEvent {
  switch (raw) {
    case undefined:
    case '':
    case 'empty':
    case 'paused': // BEP 21: a paused partial seed announces like a regular update.
      return 'none';
    case 'started':
    case 'completed':
    case 'stopped':
      return raw;
    default:
      throw bad('event', 'unknown');
  }
}

function boundedText(raw: string | undefined, field: string): string | null {
  if (raw === undefined) return null;
  const s = percentDecodeText(raw, field);
  if (s.length > MAX_QUERY_TEXT_CHARS) throw bad(field, 'too long');
  return s;
}

function checked(decoded: Uint8Array, field: string, bytes: number): Uint8Array {
  if (decoded.length !== bytes) throw bad(field, `${decoded.length} bytes, not ${bytes}`);
  return decoded;
}

/**
 * A percent-encoded value that must decode to exactly `bytes` bytes (info_hash, peer_id): the
 * escapes are checked and counted first, then decoded straight into an array of that size.
 * Errors as decodeField's and the length check's, in that order.
 */
function decodeFixed(raw: string, field: string, bytes: number): Uint8Array {
  let count = 0;
  for (let i = 0; i < raw.length; i++, count++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      if (
        i + 2 >= raw.length ||
        hexVal(raw.charCodeAt(i + 1)) < 0 ||
        hexVal(raw.charCodeAt(i + 2)) < 0
      )
        return checked(decodeField(raw, field), field, bytes); // throws the bad-escape error
      i += 2;
    } else if (c > 0xff) {
      return checked(decodeField(raw, field), field, bytes);
    }
  }
  if (count !== bytes) throw bad(field, `${count} bytes, not ${bytes}`);
  const out = new Uint8Array(bytes);
  for (let i = 0, n = 0; n < bytes; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      out[n++] = (hexVal(raw.charCodeAt(i + 1)) << 4) | hexVal(raw.charCodeAt(i + 2));
      i += 2;
    } else {
      out[n++] = c === 0x2b ? 0x20 : c;
    }
  }
  return out;
}

/**
 * Server side: a raw announce query string (without `?`) to a validated request. One pass over
 * the string, no intermediate arrays or maps: this runs for every HTTP announce, and the
 * split-and-map version made more garbage than the rest of the request together (young-GC
 * pauses are the tracker's latency tail). The first occurrence of a key wins.
 */
export function parseAnnounceQuery(query: string): AnnounceRequest {
  let rawHash: string | undefined;
  let rawId: string | undefined;
  let rawPort: string | undefined;
  let rawUploaded: string | undefined;
  let rawDownloaded: string | undefined;
  let rawLeft: string | undefined;
  let rawEvent: string | undefined;
  let rawNumwant: string | undefined;
  let rawCompact: string | undefined;
  let rawNoPeerId: string | undefined;
  let rawKey: string | undefined;
  let rawTrackerId: string | undefined;
  let rawIp: string | undefined;
  const n = query.length;
  // Bounded: `pos` moves past at least one character per part.
  for (let pos = 0; pos < n;) {
    let amp = query.indexOf('&', pos);
    if (amp < 0) amp = n;
    if (amp > pos) {
      let eq = query.indexOf('=', pos);
      if (eq < 0 || eq > amp) eq = amp;
      let key = query.slice(pos, eq);
      if (key.includes('%')) key = percentDecodeText(key, 'query key');
      const value = eq < amp ? query.slice(eq + 1, amp) : '';
      switch (key) {
        case 'info_hash':
          rawHash ??= value;
          break;
        case 'peer_id':
          rawId ??= value;
          break;
        case 'port':
          rawPort ??= value;
          break;
        case 'uploaded':
          rawUploaded ??= value;
          break;
        case 'downloaded':
          rawDownloaded ??= value;
          break;
        case 'left':
          rawLeft ??= value;
          break;
        case 'event':
          rawEvent ??= value;
          break;
        case 'numwant':
          rawNumwant ??= value;
          break;
        case 'compact':
          rawCompact ??= value;
          break;
        case 'no_peer_id':
          rawNoPeerId ??= value;
          break;
        case 'key':
          rawKey ??= value;
          break;
        case 'trackerid':
          rawTrackerId ??= value;
          break;
        case 'ip':
          rawIp ??= value;
          break;
      }
    }
    pos = amp + 1;
  }
  if (rawHash === undefined) throw bad('info_hash', 'missing');
  const infoHash = decodeFixed(rawHash, 'info_hash', INFO_HASH_BYTES);
  if (rawId === undefined) throw bad('peer_id', 'missing');
  const peerId = decodeFixed(rawId, 'peer_id', PEER_ID_BYTES);
  if (rawPort === undefined || rawPort === '') throw bad('port', 'missing');
  if (!/^[0-9]{1,5}$/.test(rawPort)) throw bad('port', 'not a number');
  const port = Number(rawPort);
  if (port < 1 || port > 65535) throw bad('port', 'out of range');
  let numwant: number | null = null;
  if (rawNumwant !== undefined && /^[0-9]{1,12}$/.test(rawNumwant)) numwant = Number(rawNumwant);
  return {
    infoHash,
    peerId,
    port,
    uploaded: parseCount(rawUploaded, 'uploaded', false),
    downloaded: parseCount(rawDownloaded, 'downloaded', false),
    left: parseCount(rawLeft, 'left', true),
    event: parseEvent(rawEvent),
    numwant,
    compact: rawCompact === undefined ? null : rawCompact === '1',
    noPeerId: rawNoPeerId === '1',
    key: boundedText(rawKey, 'key'),
    trackerId: boundedText(rawTrackerId, 'trackerid'),
    ip: boundedText(rawIp, 'ip'),
  };
}

/**
 * Server side: the info-hashes of a scrape query (BEP 48), at most `maxHashes`.
 * Values that are not 20 bytes are an error, not silently skipped.
 */
export function parseScrapeQuery(query: string, maxHashes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [k, v] of splitQuery(query)) {
    if (k !== 'info_hash') continue;
    if (out.length >= maxHashes) {
      throw new TrackerProtocolError(
        'too-large',
        'parse scrape',
        `more than ${maxHashes} info-hashes`,
      );
    }
    const h = percentDecodeBytes(v, 'decode info_hash');
    if (h.length !== INFO_HASH_BYTES) {
      throw new TrackerProtocolError(
        'bad-field',
        'parse scrape',
        `invalid info_hash: ${h.length} bytes, not 20`,
      );
    }
    out.push(h);
  }
  return out;
}
