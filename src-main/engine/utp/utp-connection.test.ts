/**
 * The uTP state machine over an in-memory network on a manual clock: connection ids, transfer,
 * loss, reordering, selective acks, timeouts, FIN, RESET, backpressure and hostile input.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { MIN_WINDOW_BYTES } from './ledbat';
import { ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, encodePacket } from './packet';
import {
  ACK_EVERY_PACKETS,
  CONNECT_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  KEEPALIVE_MS,
  MAX_TIMEOUTS,
  RECEIVE_WINDOW_BYTES,
  SEND_HIGH_WATER_BYTES,
} from './utp-connection';
import { A, B, TestUtpNet, collect } from './test-utp-net';
import type { UtpTransport } from './utp-transport';

async function connected(
  net: TestUtpNet,
): Promise<{ dialled: UtpTransport; acceptor: UtpTransport }> {
  const dialled = net.a.dial(B.address, B.port);
  const ok = dialled.connected();
  await net.settle();
  await ok;
  const acceptor = net.accepted[0];
  if (!acceptor) throw new Error('nothing accepted');
  // Taken by its owner, as the listener does once the handshake is read: no pending deadline.
  acceptor.accepted();
  return { dialled, acceptor };
}

const data = (n: number, seed = 7): Uint8Array => seededRandom(seed).bytes(n);

describe('uTP connection', () => {
  it('connects with BEP 29 connection ids: SYN on R, then R + 1 from the dialler, R back', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const [syn, synAck] = net.log;
    expect(syn?.packet.type).toBe(ST_SYN);
    expect(synAck?.packet.type).toBe(ST_STATE);
    const r = syn?.packet.connectionId as number;
    expect(synAck?.packet.connectionId).toBe(r);
    expect(synAck?.packet.ackNr).toBe(syn?.packet.seqNr);
    dialled.write(new Uint8Array([1, 2, 3]));
    acceptor.write(new Uint8Array([4]));
    const got = collect(acceptor);
    const back = collect(dialled);
    await net.settle();
    const fromA = net.log.filter((d) => d.from === A && d.packet.type === ST_DATA);
    const fromB = net.log.filter((d) => d.from === B && d.packet.type === ST_DATA);
    expect(fromA.map((d) => d.packet.connectionId)).toEqual([(r + 1) & 0xffff]);
    expect(fromB.map((d) => d.packet.connectionId)).toEqual([r]);
    // The dialler's first data packet follows its SYN; the acceptor's takes the SYN-ACK's seq_nr.
    expect(fromA[0]?.packet.seqNr).toBe(((syn?.packet.seqNr as number) + 1) & 0xffff);
    expect(fromB[0]?.packet.seqNr).toBe(synAck?.packet.seqNr);
    expect([...got.bytes()]).toEqual([1, 2, 3]);
    expect([...back.bytes()]).toEqual([4]);
  });

  it('moves 2 MiB intact both ways at once, in packets the window allows', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const up = data(2 << 20, 1);
    const down = data(2 << 20, 2);
    const atB = collect(acceptor);
    const atA = collect(dialled);
    dialled.write(up);
    acceptor.write(down);
    await net.settle();
    expect(atB.bytes().equals(Buffer.from(up))).toBe(true);
    expect(atA.bytes().equals(Buffer.from(down))).toBe(true);
    expect(dialled.conn.retransmits).toBe(0);
    expect(dialled.bufferedBytes).toBe(0);
    expect(dialled.conn.cc.cwnd).toBeGreaterThan(MIN_WINDOW_BYTES * 10);
  });

  it('acks in-order data every ACK_EVERY_PACKETS packets, and a lone packet a moment later', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atB = collect(acceptor);
    await net.settle();
    const before = net.log.length;
    dialled.write(data(200 * 1400));
    await net.settle();
    const sent = net.log.slice(before);
    const dataPackets = sent.filter((d) => d.from === A && d.packet.type === ST_DATA).length;
    const acks = sent.filter((d) => d.from === B && d.packet.type === ST_STATE).length;
    expect(dataPackets).toBe(200);
    expect(acks).toBeLessThanOrEqual(dataPackets / ACK_EVERY_PACKETS + 10);
    expect(atB.bytes().length).toBe(200 * 1400);
    // One packet alone is still acked (after the short delay), so the sender's buffer empties.
    dialled.write(new Uint8Array([1]));
    await net.settle();
    expect(dialled.bufferedBytes).toBe(0);
  });

  it('resends a lost packet on selective acks and duplicate acks, without waiting for a timeout', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    let dropped = 0;
    net.filter = (d) => {
      // The 5th data packet from A, once.
      if (d.from === A && d.packet.type === ST_DATA && ++dropped === 5) return false;
      return true;
    };
    const atB = collect(acceptor);
    const payload = data(300_000);
    dialled.write(payload);
    await net.settle();
    expect(atB.bytes().equals(Buffer.from(payload))).toBe(true);
    expect(dialled.conn.retransmits).toBe(1);
    // The window was halved once, not reset: no timeout happened.
    expect(dialled.conn.cc.slowStart).toBe(false);
    const sacks = net.log.filter((d) => d.from === B && d.packet.selectiveAck !== null);
    expect(sacks.length).toBeGreaterThan(0);
  });

  it('puts reordered and duplicated packets back in order', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atB = collect(acceptor);
    // Hold every data packet from A, then deliver them reversed and twice.
    const held: Parameters<typeof net.inject>[1][] = [];
    net.filter = (d) => {
      if (d.from === A && d.packet.type === ST_DATA) {
        held.push(d.bytes);
        return false;
      }
      return true;
    };
    const payload = data(20 * 1400 + 17);
    dialled.write(payload);
    await net.settle();
    // Slow start lets a few out first; deliver what is held in reverse, twice, until all is there.
    for (let round = 0; round < 50 && atB.bytes().length < payload.length; round++) {
      const batch = held.splice(0).reverse();
      for (const b of [...batch, ...batch]) net.inject('b', b, A);
      await net.settle();
    }
    expect(atB.bytes().equals(Buffer.from(payload))).toBe(true);
  });

  it('on a timeout, resets the window to one packet, resends and recovers', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atB = collect(acceptor);
    let blackhole = true;
    net.filter = (d) => !(blackhole && d.from === A && d.packet.type === ST_DATA);
    const payload = data(50_000);
    dialled.write(payload);
    await net.settle();
    expect(atB.bytes().length).toBe(0);
    await net.advance(1_050);
    expect(dialled.conn.cc.cwnd).toBe(MIN_WINDOW_BYTES);
    expect(dialled.conn.retransmits).toBeGreaterThan(0);
    blackhole = false;
    await net.advance(5_000);
    expect(atB.bytes().equals(Buffer.from(payload))).toBe(true);
  });

  it('gives up after repeated timeouts and reports an error', async () => {
    const net = new TestUtpNet();
    const { dialled } = await connected(net);
    const atA = collect(dialled);
    net.filter = (d) => d.from !== B;
    dialled.write(data(5_000));
    // 1 + 2 + 4 + ... seconds: MAX_TIMEOUTS + 1 timeouts fit well within two minutes.
    await net.advance(100_000, 250);
    expect(atA.errors.map((e) => e.message)).toEqual(['uTP retransmissions timed out']);
    expect(net.a.stats().connections).toBe(0);
    expect(MAX_TIMEOUTS).toBeGreaterThan(2);
  });

  it('fails a dial nobody answers after the connect timeout', async () => {
    const net = new TestUtpNet();
    net.filter = () => false;
    const t = net.a.dial(B.address, B.port);
    const result = t.connected().then(
      () => 'connected',
      (e: Error) => e.message,
    );
    await net.advance(CONNECT_TIMEOUT_MS + 100);
    expect(await result).toBe('uTP connect timed out');
    expect(net.a.stats().connections).toBe(0);
  });

  it('closes with FIN after the data: the other side reads everything, then the end', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atB = collect(acceptor);
    const payload = data(100_000);
    dialled.write(payload);
    dialled.destroy();
    await net.settle();
    expect(atB.bytes().equals(Buffer.from(payload))).toBe(true);
    expect(atB.ended()).toBe(true);
    expect(net.log.some((d) => d.from === A && d.packet.type === ST_FIN)).toBe(true);
    acceptor.destroy();
    await net.settle();
    expect(net.a.stats().connections).toBe(0);
    expect(net.b.stats().connections).toBe(0);
  });

  it('a RESET from the remote ends the connection with an error', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atA = collect(dialled);
    acceptor.conn.abort(true);
    await net.settle();
    expect(atA.errors.map((e) => e.message)).toEqual(['connection reset by the remote']);
    expect(net.a.stats().connections).toBe(0);
  });

  it('holds bytes until reading starts, within the advertised window', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    dialled.write(data(RECEIVE_WINDOW_BYTES * 2));
    await net.settle();
    // Nothing read: the sender stopped at our window.
    expect(dialled.bufferedBytes).toBeGreaterThanOrEqual(RECEIVE_WINDOW_BYTES);
    const atB = collect(acceptor);
    await net.advance(3_000);
    expect(atB.bytes().equals(Buffer.from(data(RECEIVE_WINDOW_BYTES * 2)))).toBe(true);
  });

  it('asks the writer to wait past the high-water mark and drains when acked', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atA = collect(dialled);
    collect(acceptor);
    dialled.write(data(SEND_HIGH_WATER_BYTES + 1));
    expect(dialled.awaitingDrain).toBe(true);
    await net.settle();
    expect(dialled.awaitingDrain).toBe(false);
    expect(atA.drains()).toBe(1);
  });
});

describe('uTP connection: keepalive and idle', () => {
  it('sends a STATE after KEEPALIVE_MS of silence, and fails once nothing came for IDLE_TIMEOUT_MS', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atA = collect(dialled);
    collect(acceptor);
    await net.settle();
    const before = net.log.length;
    await net.advance(KEEPALIVE_MS + 100, 1_000);
    const keepalives = net.log.slice(before).filter((d) => d.packet.type === ST_STATE);
    // Each side sent one; the connection lives on.
    expect(keepalives.map((d) => d.from)).toEqual(expect.arrayContaining([A, B]));
    expect(dialled.conn.state).toBe('connected');
    // The acceptor's host vanishes: the dialler gives up after the idle timeout.
    net.filter = (d) => d.from !== B;
    await net.advance(IDLE_TIMEOUT_MS, 1_000);
    expect(atA.errors.map((e) => e.message)).toEqual(['uTP connection idle']);
  });
});

describe('uTP socket: bad input', () => {
  const stray = (type: number, connectionId: number, seqNr = 1, ackNr = 0): Uint8Array =>
    encodePacket({
      type: type as 0,
      connectionId,
      timestampUs: 0,
      timestampDiffUs: 0,
      wndSize: 65_536,
      seqNr,
      ackNr,
      selectiveAck: null,
    });

  it('answers a packet with an unknown connection id with a RESET, and a RESET with nothing', async () => {
    const net = new TestUtpNet();
    const { dialled } = await connected(net);
    const before = net.log.length;
    const wrongId = (dialled.conn.recvId + 7) & 0xffff;
    net.inject('a', stray(ST_DATA, wrongId), B);
    net.inject('a', stray(ST_RESET, wrongId), B);
    const replies = net.log.slice(before);
    expect(replies.map((d) => d.packet.type)).toEqual([ST_RESET]);
    expect(net.a.stats().stray).toBe(2);
    expect(dialled.conn.state).toBe('connected');
  });

  it('drops packets with sequence numbers from far away without touching the stream', async () => {
    const net = new TestUtpNet();
    const { dialled, acceptor } = await connected(net);
    const atB = collect(acceptor);
    await net.settle();
    const before = net.log.length;
    // Right ids, but a seq_nr 30000 ahead, and an ack of packets never sent.
    const id = dialled.conn.sendId;
    // A valid ack (nothing of B's outstanding), with data 30000 packets ahead of the stream.
    const synAck = net.log[1]?.packet.seqNr as number;
    const validAck = (synAck - 1) & 0xffff;
    const firstSeq = ((net.log[0]?.packet.seqNr as number) + 1) & 0xffff;
    const far = encodePacket(
      { ...decodeHeader(stray(ST_DATA, id, (firstSeq + 30_000) & 0xffff, validAck)) },
      new Uint8Array([9, 9]),
    );
    net.inject('b', far, A);
    // An ack of packets B never sent.
    net.inject('b', stray(ST_STATE, id, firstSeq, (validAck + 20_000) & 0xffff), A);
    await net.settle();
    expect(net.log.slice(before).map((d) => d.packet.type)).toEqual([]);
    expect(atB.bytes().length).toBe(0);
    dialled.write(new Uint8Array([1]));
    await net.settle();
    expect([...atB.bytes()]).toEqual([1]);
  });

  it('ignores malformed datagrams', () => {
    const net = new TestUtpNet();
    net.inject('a', new Uint8Array([0x41, 0, 1]), B);
    expect(net.a.stats().malformed).toBe(1);
    expect(net.log.length).toBe(0);
  });

  it('caps a SYN flood per IP and overall, and frees pending slots at the deadline', async () => {
    const net = new TestUtpNet({ maxPending: 10, maxPendingPerIp: 3, pendingTimeoutMs: 5_000 });
    for (let i = 0; i < 20; i++)
      net.inject('b', stray(ST_SYN, 100 + i), { address: '6.6.6.6', port: 1000 });
    expect(net.b.stats().pending).toBe(3);
    for (let i = 0; i < 20; i++) {
      net.inject('b', stray(ST_SYN, 100), { address: `7.7.7.${i}`, port: 1000 + i });
    }
    expect(net.b.stats()).toMatchObject({ pending: 10, connections: 10, refused: 27 });
    // An accepted connection that is taken no longer counts; the rest time out.
    net.accepted[0]?.accepted();
    expect(net.b.stats().pending).toBe(9);
    net.clock.advance(5_100);
    expect(net.b.stats()).toMatchObject({ pending: 0, connections: 1 });
    // Room again.
    net.inject('b', stray(ST_SYN, 500), { address: '6.6.6.6', port: 1000 });
    expect(net.b.stats().pending).toBe(1);
    net.a.close();
    net.b.close();
  });

  // --- IPv6 (issue 18) ---
  it('counts pending SYNs from one IPv6 /64 as one host, whatever the address in it', () => {
    const net = new TestUtpNet({ maxPending: 10, maxPendingPerIp: 3 });
    for (let i = 0; i < 8; i++)
      net.inject('b', stray(ST_SYN, 100 + i), { address: `2001:db8:1:2::${i + 1}`, port: 1000 });
    expect(net.b.stats().pending).toBe(3);
    net.inject('b', stray(ST_SYN, 200), { address: '2001:db8:1:3::1', port: 1000 });
    expect(net.b.stats().pending).toBe(4);
    net.a.close();
    net.b.close();
  });
});

function decodeHeader(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    type: ((bytes[0] as number) >> 4) as 0,
    connectionId: view.getUint16(2),
    timestampUs: 0,
    timestampDiffUs: 0,
    wndSize: 65_536,
    seqNr: view.getUint16(16),
    ackNr: view.getUint16(18),
    selectiveAck: null,
  };
}
