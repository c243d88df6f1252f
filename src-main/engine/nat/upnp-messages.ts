/**
 * UPnP IGD messages, pure: the SSDP M-SEARCH and its answers, the device description's WAN
 * connection service, and the SOAP calls we make (GetExternalIPAddress, AddPortMapping,
 * DeletePortMapping) with their answers and faults.
 *
 * Invariants: every parser takes untrusted text already capped in bytes and raises NatError for
 * anything it cannot use; URLs from the network are accepted only as plain http to the very host
 * that answered the search, so a device on the LAN cannot point us at anything else.
 */
import { NatError, NatRefused } from './nat-error';
import { childText, escapeXml, findAll, findFirst, parseXml } from './xml-lite';
import type { XmlElement } from './xml-lite';

/** The WAN connection services that can map ports, the IGD 2 one first. */
export const WAN_SERVICE_TYPES = [
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

export const SSDP_MULTICAST = { address: '239.255.255.250', port: 1900 };

/** One M-SEARCH per service type (UPnP Device Architecture 1.1, section 1.3.2). */
export function encodeMSearch(searchTarget: string, mxSec: number): string {
  return [
    'M-SEARCH * HTTP/1.1',
    'HOST: 239.255.255.250:1900',
    'MAN: "ssdp:discover"',
    `MX: ${mxSec}`,
    `ST: ${searchTarget}`,
    '',
    '',
  ].join('\r\n');
}

export interface SsdpAnswer {
  location: string;
  searchTarget: string;
}

/** An `HTTP/1.1 200 OK` datagram with LOCATION and ST headers; NatError for anything else. */
export function parseSsdpAnswer(text: string): SsdpAnswer {
  const lines = text.split('\r\n');
  if (!/^HTTP\/1\.[01] 200\b/i.test(lines[0] ?? '')) throw new NatError('not an SSDP answer');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const location = headers.get('location');
  const searchTarget = headers.get('st') ?? '';
  if (!location) throw new NatError('SSDP answer without LOCATION');
  return { location, searchTarget };
}

/**
 * `url` (absolute, or relative to `base`) as an http URL on `host`, or NatError. `host` is the
 * address the SSDP answer came from.
 */
export function sameHostUrl(url: string, base: string, host: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    throw new NatError(`not a URL: ${url.slice(0, 100)}`);
  }
  if (parsed.protocol !== 'http:') throw new NatError(`not an http URL: ${url.slice(0, 100)}`);
  const h = parsed.hostname.replace(/^\[|\]$/g, '');
  if (h !== host) throw new NatError(`URL on ${h.slice(0, 100)}, not on the router ${host}`);
  return parsed;
}

export interface WanService {
  serviceType: string;
  controlUrl: URL;
}

/**
 * The device description's best WAN connection service (IGD 2 before 1, IP before PPP), its
 * control URL resolved against URLBase or the description's own URL.
 */
export function findWanService(xml: string, descriptionUrl: string, host: string): WanService {
  const root = parseXml(xml);
  const urlBase = childText(root, 'URLBase');
  const base = urlBase && urlBase.length > 0 ? urlBase : descriptionUrl;
  const services = findAll(root, 'service');
  for (const type of WAN_SERVICE_TYPES) {
    for (const s of services) {
      if (childText(s, 'serviceType') !== type) continue;
      const control = childText(s, 'controlURL');
      if (!control) continue;
      return {
        serviceType: type,
        controlUrl: sameHostUrl(control, sameHostUrl(base, descriptionUrl, host).href, host),
      };
    }
  }
  throw new NatError('the device has no WANIPConnection or WANPPPConnection service');
}

/** The SOAP envelope of one action (UPnP DA 1.1 section 3.2.1). */
export function encodeSoapAction(
  serviceType: string,
  action: string,
  args: readonly (readonly [string, string | number])[],
): string {
  const body = args.map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join('');
  return (
    '<?xml version="1.0"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ' +
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:${action} xmlns:u="${escapeXml(serviceType)}">${body}</u:${action}></s:Body>` +
    '</s:Envelope>'
  );
}

/** A SOAP fault: UPnP's error code (718, 725, ...) and its description. */
export class UpnpFault extends NatRefused {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`the router refused: ${description || `UPnP error ${errorCode}`}`);
    this.name = 'UpnpFault';
  }
}

/** Well-known UPnP errors, for routers that send a code without a description. */
const upnpErrorNames: Record<number, string> = {
  401: 'Invalid Action',
  402: 'Invalid Args',
  501: 'Action Failed',
  606: 'Action not authorized',
  714: 'NoSuchEntryInArray',
  715: 'WildCardNotPermittedInSrcIP',
  716: 'WildCardNotPermittedInExtPort',
  718: 'ConflictInMappingEntry',
  724: 'SamePortValuesRequired',
  725: 'OnlyPermanentLeasesSupported',
  726: 'RemoteHostOnlySupportsWildcard',
  727: 'ExternalPortOnlySupportsWildcard',
  728: 'NoPortMapsAvailable',
  729: 'ConflictWithOtherMechanisms',
};

/**
 * The answer to `action`: its output arguments by name, or UpnpFault for a SOAP fault (HTTP 500
 * with a UPnPError), or NatError for anything else.
 */
export function parseSoapAnswer(status: number, xml: string, action: string): Map<string, string> {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (status !== 200) throw new NatError(`the router answered HTTP ${status}`);
    throw err;
  }
  const upnpError = findFirst(root, 'UPnPError');
  if (upnpError) {
    const code = Number(childText(upnpError, 'errorCode'));
    if (!Number.isInteger(code) || code < 0 || code > 9999)
      throw new NatError('bad UPnP error code');
    // Our name for a code we know; the router's own words (printable, short) for one we do not.
    const described = (childText(upnpError, 'errorDescription') ?? '')
      .replace(/[^\x20-\x7e]/g, '')
      .slice(0, 80);
    throw new UpnpFault(code, upnpErrorNames[code] ?? described);
  }
  if (status !== 200) throw new NatError(`the router answered HTTP ${status}`);
  const response = findFirst(root, `${action}Response`);
  if (!response) throw new NatError(`no ${action}Response in the answer`);
  const out = new Map<string, string>();
  for (const c of response.children) out.set(c.name, c.text);
  return out;
}
