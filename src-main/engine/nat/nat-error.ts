/**
 * The one error the port-mapping codecs and parsers raise for bytes from the network (a router's
 * NAT-PMP or PCP datagram, an SSDP answer, a device description, a SOAP answer). Property tests
 * check that random input raises nothing else.
 */
export class NatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NatError';
  }
}

/**
 * A router's definite "no" (a NAT-PMP or PCP result code, a UPnP SOAP fault): unlike garbage,
 * it ends the exchange at once, and its message is the reason the user sees.
 */
export class NatRefused extends NatError {
  constructor(message: string) {
    super(message);
    this.name = 'NatRefused';
  }
}
