/**
 * NAT-PMP (RFC 6886) and PCP (RFC 6887) codecs: the exact bytes of requests, and what answers
 * decode to, including refusals and the version-0 answer that sends us to NAT-PMP.
 */
import { describe, expect, it } from 'vitest';
import { NatError, NatRefused } from './nat-error';
import {
  decodeExternalAddressResponse,
  decodeMapResponse,
  encodeExternalAddressRequest,
  encodeMapRequest,
} from './natpmp-codec';
import { decodePcpResponse, encodePcpMapRequest } from './pcp-codec';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('NAT-PMP codec', () => {
  it('encodes the external-address and mapping requests of RFC 6886 section 3', () => {
    expect(hex(encodeExternalAddressRequest())).toBe('0000');
    const tcp = encodeMapRequest({
      transport: 'tcp',
      internalPort: 6881,
      suggestedExternalPort: 6881,
      lifetimeSec: 7200,
    });
    expect(hex(tcp)).toBe('0002' + '0000' + '1ae1' + '1ae1' + '00001c20');
    const udpDelete = encodeMapRequest({
      transport: 'udp',
      internalPort: 6881,
      suggestedExternalPort: 0,
      lifetimeSec: 0,
    });
    expect(hex(udpDelete)).toBe('0001' + '0000' + '1ae1' + '0000' + '00000000');
  });

  it('decodes the external address and a mapping', () => {
    const addr = Buffer.from('0080000000000010cb007107', 'hex');
    expect(decodeExternalAddressResponse(addr)).toEqual({ epochSec: 16, address: '203.0.113.7' });
    const map = Buffer.from('0082000000000010' + '1ae1' + '4e20' + '00000e10', 'hex');
    expect(decodeMapResponse(map, 'tcp')).toEqual({
      epochSec: 16,
      internalPort: 6881,
      externalPort: 20000,
      lifetimeSec: 3600,
    });
  });

  it('raises NatRefused with the result name, and NatError for the wrong opcode or length', () => {
    const refused = Buffer.from('0082000200000010' + '1ae1' + '0000' + '00000000', 'hex');
    expect(() => decodeMapResponse(refused, 'tcp')).toThrow(NatRefused);
    expect(() => decodeMapResponse(refused, 'tcp')).toThrow('Not Authorized/Refused');
    const udpAnswer = Buffer.from('0081000000000010' + '1ae1' + '1ae1' + '00000e10', 'hex');
    expect(() => decodeMapResponse(udpAnswer, 'tcp')).toThrow(NatError);
    expect(() => decodeMapResponse(udpAnswer.subarray(0, 12), 'udp')).toThrow(NatError);
    expect(() => decodeExternalAddressResponse(Uint8Array.of(0, 128, 0))).toThrow(NatError);
  });
});

describe('PCP codec', () => {
  const nonce = Uint8Array.from({ length: 12 }, (_, i) => i + 1);

  it('encodes a MAP request (RFC 6887 sections 7.1 and 11.1)', () => {
    const req = encodePcpMapRequest({
      transport: 'udp',
      clientAddress: '192.168.1.20',
      internalPort: 6881,
      suggestedExternalPort: 6881,
      lifetimeSec: 7200,
      nonce,
    });
    expect(req.length).toBe(60);
    expect(hex(req.subarray(0, 24))).toBe(
      '0201' + '0000' + '00001c20' + '00000000000000000000ffffc0a80114',
    );
    expect(hex(req.subarray(24))).toBe(
      '0102030405060708090a0b0c' + '11' + '000000' + '1ae1' + '1ae1' + '00'.repeat(16),
    );
  });

  it('decodes a MAP answer with its external address', () => {
    const res = new Uint8Array(60);
    res.set([2, 0x81, 0, 0, 0, 0, 0x0e, 0x10, 0, 0, 0, 9]);
    res.set(nonce, 24);
    res.set([6, 0, 0, 0, 0x1a, 0xe1, 0x4e, 0x20], 36);
    res.set([0xff, 0xff, 203, 0, 113, 7], 54);
    expect(decodePcpResponse(res)).toEqual({
      version: 2,
      resultCode: 0,
      lifetimeSec: 3600,
      epochSec: 9,
      map: {
        nonce,
        transport: 'tcp',
        internalPort: 6881,
        externalPort: 20000,
        externalAddress: '203.0.113.7',
      },
    });
  });

  it('reports a NAT-PMP-only gateway as version 0, and short errors without a payload', () => {
    expect(decodePcpResponse(Buffer.from('0081000100000010', 'hex'))).toEqual({ version: 0 });
    const notAuthorized = new Uint8Array(24);
    notAuthorized.set([2, 0x81, 0, 2]);
    expect(decodePcpResponse(notAuthorized)).toMatchObject({
      version: 2,
      resultCode: 2,
      map: null,
    });
  });

  it('refuses requests, other opcodes, bad lengths and runaway options', () => {
    const base = new Uint8Array(60);
    base.set([2, 0x81]);
    base[36] = 17;
    expect(() => decodePcpResponse(Uint8Array.of(2, 0x01, 0, 0))).toThrow(NatError);
    expect(() => decodePcpResponse(Uint8Array.of(2, 0x82, 0, 0))).toThrow(NatError);
    expect(() => decodePcpResponse(new Uint8Array(1101))).toThrow(NatError);
    expect(() => decodePcpResponse(base.subarray(0, 30))).toThrow(NatError); // success, no payload
    const option = new Uint8Array(64);
    option.set(base);
    option.set([1, 0, 0, 200], 60); // an option claiming 200 bytes
    expect(() => decodePcpResponse(option)).toThrow(NatError);
  });
});
