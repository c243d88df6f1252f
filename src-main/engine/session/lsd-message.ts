/**
 * BEP 14 Local Service Discovery messages: an HTTP-like `BT-SEARCH` datagram.
 *
 *     BT-SEARCH * HTTP/1.1\r\n
 *     Host: 239.192.152.143:6771\r\n
 *     Port: <listen port>\r\n
 *     Infohash: <40 hex digits>\r\n        (one line per torrent, several allowed)
 *     cookie: <ours, to recognise our own>\r\n
 *     \r\n\r\n
 *
 * Invariants: parsing is bounded (LSD_MAX_MESSAGE_BYTES, LSD_MAX_HEADER_LINES,
 * LSD_MAX_INFOHASHES_PER_MESSAGE) and strict: the request line must match, `Port` must be a
 * decimal port 1..65535, and every `Infohash` exactly 40 hex digits; anything else raises
 * LsdMessageError and nothing else. Header names are case-insensitive, as in HTTP.
 */
import {
  LSD_MAX_HEADER_LINES,
  LSD_MAX_INFOHASHES_PER_MESSAGE,
  LSD_MAX_MESSAGE_BYTES,
} from '../limits';

export interface LsdAnnounce {
  /** The sender's `Host` header, for the log only. */
  host: string;
  port: number;
  /** Lower-case hex info-hashes. */
  infoHashes: string[];
  cookie: string | null;
}

export class LsdMessageError extends Error {
  readonly code = 'bad-lsd';
  constructor(message: string) {
    super(message);
    this.name = 'LsdMessageError';
  }
}

const REQUEST_LINE = 'BT-SEARCH * HTTP/1.1';
const HEX40 = /^[0-9a-fA-F]{40}$/;
const PORT = /^[0-9]{1,5}$/;
/** Cookies are ours (hex) or other clients' tokens: printable, short. */
const COOKIE = /^[\x21-\x7e]{1,64}$/;

export function encodeLsdAnnounce(a: {
  host: string;
  port: number;
  infoHashes: readonly string[];
  cookie: string;
}): Uint8Array {
  if (a.infoHashes.length === 0 || a.infoHashes.length > LSD_MAX_INFOHASHES_PER_MESSAGE)
    throw new RangeError(`an LSD message carries 1..${LSD_MAX_INFOHASHES_PER_MESSAGE} info-hashes`);
  const lines = [
    REQUEST_LINE,
    `Host: ${a.host}`,
    `Port: ${a.port}`,
    ...a.infoHashes.map((h) => `Infohash: ${h}`),
    `cookie: ${a.cookie}`,
    '',
    '',
  ];
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

export function decodeLsdAnnounce(buf: Uint8Array): LsdAnnounce {
  if (buf.length > LSD_MAX_MESSAGE_BYTES)
    throw new LsdMessageError(
      `LSD message of ${buf.length} bytes exceeds ${LSD_MAX_MESSAGE_BYTES}`,
    );
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('latin1');
  const lines = text.split(/\r?\n/);
  if (lines[0] !== REQUEST_LINE) throw new LsdMessageError('not a BT-SEARCH request');
  let host = '';
  let port: number | null = null;
  let cookie: string | null = null;
  const infoHashes: string[] = [];
  let headers = 0;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (++headers > LSD_MAX_HEADER_LINES)
      throw new LsdMessageError(`more than ${LSD_MAX_HEADER_LINES} header lines`);
    const colon = line.indexOf(':');
    if (colon <= 0) throw new LsdMessageError('a header line without a name');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'host') host = value.slice(0, 64);
    else if (name === 'port') {
      const n = PORT.test(value) ? Number(value) : 0;
      if (!(n >= 1 && n <= 65535)) throw new LsdMessageError(`bad Port "${value.slice(0, 16)}"`);
      port = n;
    } else if (name === 'infohash') {
      if (!HEX40.test(value))
        throw new LsdMessageError(`bad Infohash "${value.slice(0, 48)}" (40 hex digits wanted)`);
      if (infoHashes.length >= LSD_MAX_INFOHASHES_PER_MESSAGE)
        throw new LsdMessageError(`more than ${LSD_MAX_INFOHASHES_PER_MESSAGE} info-hashes`);
      const h = value.toLowerCase();
      if (!infoHashes.includes(h)) infoHashes.push(h);
    } else if (name === 'cookie') {
      cookie = COOKIE.test(value) ? value : null;
    }
  }
  if (port === null) throw new LsdMessageError('no Port');
  if (infoHashes.length === 0) throw new LsdMessageError('no Infohash');
  return { host, port, infoHashes, cookie };
}
