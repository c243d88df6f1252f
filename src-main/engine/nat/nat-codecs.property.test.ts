/**
 * Property tests of the port-mapping parsers (issue 18): random bytes or text, and mutations of
 * valid answers, raise only NatError. Every one of them reads what a router or a LAN device sent.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { anyBytes, checkBytes, expectOnlyTyped, mutated, textOf } from '../../testing/fuzz';
import { NatError } from './nat-error';
import { decodeExternalAddressResponse, decodeHeader, decodeMapResponse } from './natpmp-codec';
import { decodePcpResponse } from './pcp-codec';
import { findWanService, parseSoapAnswer, parseSsdpAnswer } from './upnp-messages';
import { parseXml } from './xml-lite';

const pcpAnswers = fc.uint8Array({ minLength: 60, maxLength: 60 }).map((b) => {
  b[0] = 2;
  b[1] = 0x81;
  b[36] = 6;
  return b;
});
const pmpAnswers = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  b[0] = 0;
  b[1] = 130;
  return b;
});
const description = new TextEncoder().encode(
  '<?xml version="1.0"?><root><URLBase>http://127.0.0.1:5000/</URLBase><device><serviceList>' +
    '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>' +
    '<controlURL>/ctl</controlURL></service></serviceList></device></root>',
);
const fault = new TextEncoder().encode(
  '<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>718</errorCode>' +
    '<errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>',
);
const ssdp = new TextEncoder().encode(
  'HTTP/1.1 200 OK\r\nST: x\r\nLOCATION: http://127.0.0.1:1/d.xml\r\n\r\n',
);

describe('port-mapping parser properties', () => {
  it('NAT-PMP decoders raise only NatError', () => {
    checkBytes('natpmp-decode', fc.oneof(anyBytes(64), mutated(pmpAnswers)), (input) => {
      expectOnlyTyped(() => decodeHeader(input), [NatError], input);
      expectOnlyTyped(() => decodeMapResponse(input, 'tcp'), [NatError], input);
      expectOnlyTyped(() => decodeExternalAddressResponse(input), [NatError], input);
    });
  });

  it('the PCP decoder raises only NatError', () => {
    checkBytes('pcp-decode', fc.oneof(anyBytes(1200), mutated(pcpAnswers)), (input) => {
      expectOnlyTyped(() => decodePcpResponse(input), [NatError], input);
    });
  });

  it('the XML reader, description, SOAP and SSDP parsers raise only NatError', () => {
    const docs = fc.oneof(fc.constant(description), fc.constant(fault), fc.constant(ssdp));
    checkBytes('upnp-parse', fc.oneof(anyBytes(2048), mutated(docs)), (input) => {
      const text = textOf(input);
      expectOnlyTyped(() => parseXml(text), [NatError], input);
      expectOnlyTyped(
        () => findWanService(text, 'http://127.0.0.1:5000/d.xml', '127.0.0.1'),
        [NatError],
        input,
      );
      expectOnlyTyped(() => parseSoapAnswer(500, text, 'AddPortMapping'), [NatError], input);
      expectOnlyTyped(() => parseSsdpAnswer(text), [NatError], input);
    });
  });
});
