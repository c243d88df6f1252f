/**
 * A fake UPnP Internet Gateway Device on 127.0.0.1 for tests of port mapping: an SSDP responder
 * (answers M-SEARCH with a LOCATION), an HTTP server with the device description, and a SOAP
 * control endpoint for WANIPConnection (GetExternalIPAddress, AddPortMapping,
 * DeletePortMapping) over a mapping table. It records every search and call, and can fail on
 * purpose: silent or garbage SSDP, a garbage description, a refusal for every call, permanent
 * leases only (725), or ports held by another device (718).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpnpOptions {
  ssdp: 'ok' | 'silent' | 'garbage';
  /** 'huge': a description far over any cap, streamed without Content-Length. */
  description: 'ok' | 'garbage' | 'no-wan-service' | 'huge';
  /** The host named in LOCATION (127.0.0.1, the responder's own, unless a test lies). */
  locationHost: string;
  serviceType: string;
  externalAddress: string;
  /** Refuse every AddPortMapping with error 725 unless its lease is 0. */
  permanentLeasesOnly: boolean;
  /** External ports another device holds: AddPortMapping on them fails with 718. */
  takenPorts: Set<number>;
  /** Answer every AddPortMapping with this UPnP error. */
  refuseAdd: { code: number; description: string } | null;
}

export interface FakeUpnpCall {
  action: string;
  args: Record<string, string>;
}

export interface FakeUpnpGateway {
  /** The SSDP responder's port (the M-SEARCH target in tests). */
  readonly ssdpPort: number;
  readonly httpPort: number;
  readonly searches: string[];
  descriptionFetches: number;
  readonly calls: FakeUpnpCall[];
  /** Live mappings, `TCP:6881` -> { internalPort, lease }. */
  readonly mappings: Map<
    string,
    { internalPort: number; internalClient: string; leaseSec: number }
  >;
  options: FakeUpnpOptions;
  close(): Promise<void>;
}

export async function startFakeUpnpGateway(
  options: Partial<FakeUpnpOptions> = {},
): Promise<FakeUpnpGateway> {
  const opts: FakeUpnpOptions = {
    ssdp: 'ok',
    description: 'ok',
    locationHost: '127.0.0.1',
    serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1',
    externalAddress: '198.51.100.23',
    permanentLeasesOnly: false,
    takenPorts: new Set(),
    refuseAdd: null,
    ...options,
  };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const httpPort = (server.address() as AddressInfo).port;
  const udp: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  let closed = false;
  const gw: FakeUpnpGateway = {
    ssdpPort: udp.address().port,
    httpPort,
    searches: [],
    descriptionFetches: 0,
    calls: [],
    mappings: new Map(),
    options: opts,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
  udp.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('M-SEARCH')) return;
    const st = /\r\nST:\s*(\S+)/i.exec(text)?.[1] ?? '';
    gw.searches.push(st);
    if (gw.options.ssdp === 'silent' || st !== gw.options.serviceType) return;
    const reply =
      gw.options.ssdp === 'garbage'
        ? 'HTTP/1.1 200 OK\r\nLOCATION: ftp://\u0000nowhere\r\n\r\n'
        : [
            'HTTP/1.1 200 OK',
            'CACHE-CONTROL: max-age=120',
            `ST: ${st}`,
            'USN: uuid:fake-igd::' + st,
            'EXT:',
            'SERVER: FakeOS/1.0 UPnP/1.1 FakeIGD/1.0',
            `LOCATION: http://${gw.options.locationHost}:${httpPort}/rootDesc.xml`,
            '',
            '',
          ].join('\r\n');
    udp.send(Buffer.from(reply, 'latin1'), rinfo.port, rinfo.address);
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/rootDesc.xml') {
        gw.descriptionFetches += 1;
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        if (gw.options.description === 'huge') {
          // 1 MiB in chunks, no Content-Length: the client must cut it off by counting.
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          for (let i = 0; i < 16 && !res.destroyed; i++) res.write(chunk);
          res.end();
          return;
        }
        res.end(description(gw.options));
        return;
      }
      if (req.method === 'POST' && req.url === '/ctl/IPConn') {
        const action = /#(\w+)"?$/.exec(String(req.headers.soapaction ?? ''))?.[1] ?? '';
        const body = Buffer.concat(chunks).toString('utf8');
        const args: Record<string, string> = {};
        for (const m of body.matchAll(/<(New\w+)>([^<]*)<\/\1>/g)) args[m[1]!] = m[2]!;
        gw.calls.push({ action, args });
        const [status, xml] = control(gw, action, args, req.socket.remoteAddress ?? '');
        res.writeHead(status, { 'Content-Type': 'text/xml; charset="utf-8"' });
        res.end(xml);
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  return gw;
}

function description(o: FakeUpnpOptions): string {
  if (o.description === 'garbage') return '<root><device><serviceList><service>&bogus;</root>';
  const type =
    o.description === 'no-wan-service'
      ? 'urn:schemas-upnp-org:service:Layer3Forwarding:1'
      : o.serviceType;
  return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
    <friendlyName>Fake IGD</friendlyName>
    <serviceList>
      <service>
        <serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
        <controlURL>/ctl/L3F</controlURL>
      </service>
    </serviceList>
    <deviceList>
      <device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <deviceList>
          <device>
            <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <serviceList>
              <service>
                <serviceType>${type}</serviceType>
                <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                <controlURL>/ctl/IPConn</controlURL>
                <eventSubURL>/evt/IPConn</eventSubURL>
                <SCPDURL>/WANIPCn.xml</SCPDURL>
              </service>
            </serviceList>
          </device>
        </deviceList>
      </device>
    </deviceList>
  </device>
</root>`;
}

function control(
  gw: FakeUpnpGateway,
  action: string,
  a: Record<string, string>,
  from: string,
): [number, string] {
  const o = gw.options;
  if (action === 'GetExternalIPAddress') {
    return [
      200,
      response(o, action, `<NewExternalIPAddress>${o.externalAddress}</NewExternalIPAddress>`),
    ];
  }
  if (action === 'AddPortMapping') {
    if (o.refuseAdd) return fault(o.refuseAdd.code, o.refuseAdd.description);
    const lease = Number(a.NewLeaseDuration);
    if (o.permanentLeasesOnly && lease !== 0) return fault(725, 'OnlyPermanentLeasesSupported');
    const ext = Number(a.NewExternalPort);
    if (o.takenPorts.has(ext)) return fault(718, 'ConflictInMappingEntry');
    const client = a.NewInternalClient ?? '';
    if (client !== from.replace(/^::ffff:/, '')) return fault(402, 'Invalid Args');
    gw.mappings.set(`${a.NewProtocol}:${ext}`, {
      internalPort: Number(a.NewInternalPort),
      internalClient: client,
      leaseSec: lease,
    });
    return [200, response(o, action, '')];
  }
  if (action === 'DeletePortMapping') {
    const key = `${a.NewProtocol}:${a.NewExternalPort}`;
    if (!gw.mappings.delete(key)) return fault(714, 'NoSuchEntryInArray');
    return [200, response(o, action, '')];
  }
  return fault(401, 'Invalid Action');
}

function response(o: FakeUpnpOptions, action: string, inner: string): string {
  return `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:${action}Response xmlns:u="${o.serviceType}">${inner}</u:${action}Response></s:Body></s:Envelope>`;
}

function fault(code: number, description: string): [number, string] {
  return [
    500,
    `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${description}</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>`,
  ];
}
