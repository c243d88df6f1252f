/**
 * UPnP messages: the XML reader's limits, the WAN service in a description, SOAP answers and
 * faults, SSDP answers, and the rule that every URL stays on the router that answered.
 */
import { describe, expect, it } from 'vitest';
import { XML_MAX_DEPTH } from '../limits';
import { NatError } from './nat-error';
import {
  UpnpFault,
  encodeMSearch,
  encodeSoapAction,
  findWanService,
  parseSoapAnswer,
  parseSsdpAnswer,
  sameHostUrl,
} from './upnp-messages';
import { parseXml } from './xml-lite';
import { parseBsdRoute, parseProcNetRoute, parseWindowsRoute } from './default-gateway';

const desc = (services: string, urlBase = ''): string =>
  `<?xml version="1.0"?><!-- a router --><root xmlns="urn:schemas-upnp-org:device-1-0">${urlBase}<device><serviceList>${services}</serviceList></device></root>`;
const svc = (type: string, url: string): string =>
  `<service><serviceType>urn:schemas-upnp-org:service:${type}</serviceType><controlURL>${url}</controlURL></service>`;

describe('xml-lite', () => {
  it('reads elements, text, entities and CDATA, dropping prefixes', () => {
    const root = parseXml(
      '<s:a x="1>2"><b>&lt;x&amp;y&#x41;&#66;</b><c/><d><![CDATA[<raw>]]></d></s:a>',
    );
    expect(root.name).toBe('a');
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['b', '<x&yAB'],
      ['c', ''],
      ['d', '<raw>'],
    ]);
  });

  it('refuses DOCTYPEs, unknown entities, mismatched tags and deep nesting', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(NatError);
    expect(() => parseXml('<x>&nbsp;</x>')).toThrow(NatError);
    expect(() => parseXml('<x><y></x></y>')).toThrow(NatError);
    expect(() => parseXml('<x></x><y></y>')).toThrow(NatError);
    const deep = '<a>'.repeat(XML_MAX_DEPTH + 1) + '</a>'.repeat(XML_MAX_DEPTH + 1);
    expect(() => parseXml(deep)).toThrow('nested too deeply');
  });
});

describe('device description', () => {
  const loc = 'http://192.168.1.1:5000/rootDesc.xml';

  it('prefers WANIPConnection:2, then :1, then WANPPPConnection, resolving the control URL', () => {
    const xml = desc(
      svc('WANPPPConnection:1', '/ppp') +
        svc('WANIPConnection:1', 'ctl/ip1') +
        svc('WANIPConnection:2', '/ip2'),
    );
    const found = findWanService(xml, loc, '192.168.1.1');
    expect(found.serviceType).toBe('urn:schemas-upnp-org:service:WANIPConnection:2');
    expect(found.controlUrl.href).toBe('http://192.168.1.1:5000/ip2');
    const v1 = findWanService(
      desc(svc('WANPPPConnection:1', '/ppp') + svc('WANIPConnection:1', 'ctl/ip1')),
      loc,
      '192.168.1.1',
    );
    expect(v1.controlUrl.href).toBe('http://192.168.1.1:5000/ctl/ip1');
    const ppp = findWanService(desc(svc('WANPPPConnection:1', '/ppp')), loc, '192.168.1.1');
    expect(ppp.serviceType).toContain('WANPPPConnection:1');
  });

  it('uses URLBase, but never a host other than the router that answered', () => {
    const based = desc(
      svc('WANIPConnection:1', '/c'),
      '<URLBase>http://192.168.1.1:49000/</URLBase>',
    );
    expect(findWanService(based, loc, '192.168.1.1').controlUrl.href).toBe(
      'http://192.168.1.1:49000/c',
    );
    const elsewhere = desc(svc('WANIPConnection:1', 'http://10.9.9.9/c'));
    expect(() => findWanService(elsewhere, loc, '192.168.1.1')).toThrow('not on the router');
    expect(() => sameHostUrl('file:///etc/passwd', loc, '192.168.1.1')).toThrow(NatError);
    expect(() =>
      findWanService(desc(svc('Layer3Forwarding:1', '/l3')), loc, '192.168.1.1'),
    ).toThrow('no WANIPConnection or WANPPPConnection');
  });
});

describe('SOAP', () => {
  it('encodes an action with escaped arguments', () => {
    const xml = encodeSoapAction('urn:x:service:WANIPConnection:1', 'AddPortMapping', [
      ['NewExternalPort', 6881],
      ['NewPortMappingDescription', 'a<b'],
    ]);
    expect(xml).toContain('<u:AddPortMapping xmlns:u="urn:x:service:WANIPConnection:1">');
    expect(xml).toContain(
      '<NewExternalPort>6881</NewExternalPort><NewPortMappingDescription>a&lt;b</NewPortMappingDescription>',
    );
  });

  it('reads output arguments, and faults as UpnpFault with our name for the code', () => {
    const ok =
      '<s:Envelope><s:Body><u:GetExternalIPAddressResponse><NewExternalIPAddress>198.51.100.2</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>';
    expect(parseSoapAnswer(200, ok, 'GetExternalIPAddress').get('NewExternalIPAddress')).toBe(
      '198.51.100.2',
    );
    const fault =
      '<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>718</errorCode><errorDescription>\u0007x</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';
    try {
      parseSoapAnswer(500, fault, 'AddPortMapping');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UpnpFault);
      expect((err as UpnpFault).errorCode).toBe(718);
      expect((err as Error).message).toBe('the router refused: ConflictInMappingEntry');
    }
    expect(() => parseSoapAnswer(500, 'oops', 'AddPortMapping')).toThrow('HTTP 500');
    expect(() => parseSoapAnswer(200, ok, 'AddPortMapping')).toThrow('no AddPortMappingResponse');
  });
});

describe('SSDP', () => {
  it('builds an M-SEARCH and reads an answer', () => {
    expect(encodeMSearch('urn:x', 2)).toBe(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:x\r\n\r\n',
    );
    expect(
      parseSsdpAnswer('HTTP/1.1 200 OK\r\nst: urn:x\r\nLocation: http://192.168.1.1/d.xml\r\n\r\n'),
    ).toEqual({
      location: 'http://192.168.1.1/d.xml',
      searchTarget: 'urn:x',
    });
    expect(() => parseSsdpAnswer('NOTIFY * HTTP/1.1\r\n\r\n')).toThrow(NatError);
    expect(() => parseSsdpAnswer('HTTP/1.1 200 OK\r\nST: x\r\n\r\n')).toThrow('without LOCATION');
  });
});

describe('default gateway', () => {
  it('reads /proc/net/route, BSD route and Windows route output', () => {
    const proc = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
    ].join('\n');
    expect(parseProcNetRoute(proc)).toBe('10.0.0.1');
    expect(parseProcNetRoute(proc.split('\n').slice(0, 2).join('\n'))).toBeNull();
    expect(
      parseBsdRoute('   route to: default\n    gateway: 192.168.0.1\n  interface: en0\n'),
    ).toBe('192.168.0.1');
    expect(parseBsdRoute('gateway: fe80::1%en0')).toBeNull();
    expect(
      parseWindowsRoute(
        '  Network Destination  Netmask  Gateway  Interface  Metric\r\n          0.0.0.0          0.0.0.0      192.168.178.1   192.168.178.20     35\r\n',
      ),
    ).toBe('192.168.178.1');
  });
});
