/**
 * A DhtNode on its own UDP socket, for standalone use and tests. When the engine shares its
 * listen port with uTP, the session owns the socket and feeds `DhtNode.receive` instead.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { DhtNode } from './dht-node';
import type { DhtNodeOptions } from './dht-node';

export interface UdpDhtNode {
  node: DhtNode;
  /** The bound UDP port. */
  port: number;
  /** Send errors the socket reported (unreachable hosts and the like). */
  sendErrors(): number;
  close(): Promise<void>;
}

export async function bindUdpDhtNode(
  opts: Omit<DhtNodeOptions, 'send'> & { host?: string; port?: number },
): Promise<UdpDhtNode> {
  const socket: Socket = createSocket({ type: 'udp4' });
  let errors = 0;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, opts.host ?? '0.0.0.0', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // After binding, socket errors concern single datagrams; the node keeps going.
  socket.on('error', () => void errors++);
  const node = new DhtNode({
    ...opts,
    send: (packet, address, port) => {
      socket.send(packet, port, address, (err) => {
        if (err) errors++;
      });
    },
  });
  socket.on('message', (msg, rinfo) => node.receive(msg, rinfo.address, rinfo.port));
  return {
    node,
    port: socket.address().port,
    sendErrors: () => errors,
    close: () =>
      new Promise<void>((resolve) => {
        node.close();
        socket.close(() => resolve());
      }),
  };
}
