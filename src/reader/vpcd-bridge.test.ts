import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulatedCard } from './emulator/index.js';
import { contractCardImage } from './contract.js';
import { CardRemovedError } from './errors.js';
import { fromHex, toHex } from './iso7816.js';
import { createVpcdBridge, type VpcdBridge, type VpcdBridgeEvents, type VpcdCard } from './vpcd-bridge.js';
import { createVpcdFrameParser, encodeVpcdFrame } from './vpcd-frames.js';

/** One accepted connection, seen from vpcd's side. */
interface Peer {
  /** Sends a frame and waits for the next frame the card answers. */
  request(payload: Uint8Array): Promise<Uint8Array>;
  send(raw: Uint8Array): void;
  readonly closed: Promise<void>;
  readonly socket: Socket;
}

/** Stands in for pcscd's vpcd driver: listens, accepts the virtual card, and asks it things. */
async function fakeVpcd(port = 0) {
  const server: Server = createServer();
  const pending: Array<(peer: Peer) => void> = [];
  const accepted: Peer[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    const frames: Uint8Array[] = [];
    const waiting: Array<(frame: Uint8Array) => void> = [];
    const parser = createVpcdFrameParser((f) => (waiting.length > 0 ? waiting.shift()?.(f) : frames.push(f)));
    socket.on('data', (chunk) => parser.push(chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const peer: Peer = {
      socket,
      closed,
      send: (raw) => socket.write(raw),
      request(payload) {
        socket.write(encodeVpcdFrame(payload));
        const ready = frames.shift();
        return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
      },
    };
    const taker = pending.shift();
    if (taker) taker(peer);
    else accepted.push(peer);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    nextPeer: (): Promise<Peer> => {
      const ready = accepted.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => pending.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const ATR = fromHex('3B8001800101');
function countingCard(answer: (apdu: Uint8Array) => Promise<Uint8Array> = async () => fromHex('9000')) {
  const calls: string[] = [];
  const card: VpcdCard = {
    atr: ATR,
    powerOn: () => (calls.push('on'), ATR),
    powerOff: () => void calls.push('off'),
    process: (apdu) => (calls.push(`apdu ${toHex(apdu)}`), answer(apdu)),
  };
  return { card, calls };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(card: VpcdCard | null, minAbsenceMs = 0) {
  const vpcd = await fakeVpcd();
  const bridge = createVpcdBridge({ port: vpcd.port, card: () => card, backoff: { initialMs: 5, maxMs: 20 }, minAbsenceMs });
  cleanups.push(() => vpcd.close(), () => bridge.stop());
  const events: Array<VpcdBridgeEvents['disconnected']['reason'] | 'connected'> = [];
  bridge.on('connected', () => events.push('connected'));
  bridge.on('disconnected', (e) => events.push(e.reason));
  return { vpcd, bridge, events };
}

const disconnected = (bridge: VpcdBridge) =>
  new Promise<VpcdBridgeEvents['disconnected']>((resolve) => bridge.on('disconnected', resolve));

describe('vpcd bridge', () => {
  it('answers the ATR poll with the card ATR and follows power on, off and reset', async () => {
    const { card, calls } = countingCard();
    const { vpcd, bridge } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    expect(toHex(await peer.request(Uint8Array.of(0x04)))).toBe(toHex(ATR));
    peer.send(encodeVpcdFrame(Uint8Array.of(0x01)));
    peer.send(encodeVpcdFrame(Uint8Array.of(0x02)));
    peer.send(encodeVpcdFrame(Uint8Array.of(0x00)));
    expect(toHex(await peer.request(Uint8Array.of(0x04)))).toBe(toHex(ATR));
    expect(calls).toEqual(['on', 'off', 'on', 'off']);
    expect(bridge.connected).toBe(true);
  });

  it('answers APDUs in order through the card, however the frames are cut', async () => {
    const { card } = countingCard(async (apdu) => Uint8Array.of(apdu[1] ?? 0, 0x90, 0x00));
    const { vpcd, bridge } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    const answers: string[] = [];
    const reader = createVpcdFrameParser((f) => answers.push(toHex(f)));
    peer.socket.on('data', (chunk) => reader.push(chunk));
    // Length and payload apart (as vpcd writes them), then two frames in one write.
    peer.send(fromHex('0004'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    peer.send(fromHex('00A40400'));
    peer.send(fromHex('000400B00000 000400D60000'));
    await expect.poll(() => answers).toEqual(['A49000', 'B09000', 'D69000']);
    expect(bridge.stats().apdus).toBe(3);
  });

  it('answers 6F00 when the card fails for another reason than leaving the field', async () => {
    const { card } = countingCard(async () => {
      throw new Error('emulator bug');
    });
    const { vpcd, bridge } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    expect(toHex(await peer.request(fromHex('00B00000')))).toBe('6F00');
  });

  it('leaves the field on remove(): the connection closes and stays closed', async () => {
    const { card } = countingCard();
    const { vpcd, bridge, events } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    await peer.request(Uint8Array.of(0x04));
    bridge.remove();
    await peer.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['connected', 'removed']);
    expect(bridge.connected).toBe(false);
  });

  it('hangs up at the ATR poll, sending no empty answer, once its card source says the field is empty', async () => {
    let current: VpcdCard | null = countingCard().card;
    const vpcd = await fakeVpcd();
    const bridge = createVpcdBridge({ port: vpcd.port, card: () => current, minAbsenceMs: 0, backoff: { initialMs: 5, maxMs: 20 } });
    cleanups.push(() => vpcd.close(), () => bridge.stop());
    const reasons: string[] = [];
    bridge.on('disconnected', (e) => reasons.push(e.reason));
    await bridge.start();
    const peer = await vpcd.nextPeer();
    await peer.request(Uint8Array.of(0x04));
    current = null;
    let answered = false;
    void peer.request(Uint8Array.of(0x04)).then(() => (answered = true));
    await peer.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect(reasons).toEqual(['removed']);
    expect(bridge.connected).toBe(false);
  });

  it('makes a torn card vanish: no answer to the APDU in flight, and no reconnection until inserted again', async () => {
    const card = createEmulatedCard(contractCardImage());
    const { vpcd, bridge, events } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    peer.send(encodeVpcdFrame(Uint8Array.of(0x01)));
    card.setFaults({ tearAfterApdus: 0 });
    const gone = disconnected(bridge);
    let answered = false;
    void peer.request(fromHex('00B0810004')).then(() => (answered = true));
    const { reason, error } = await gone;
    await peer.closed;
    expect(reason).toBe('torn');
    expect(error).toBeInstanceOf(CardRemovedError);
    expect(answered).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['connected', 'torn']);
    bridge.insert(card);
    const again = await vpcd.nextPeer();
    again.send(encodeVpcdFrame(Uint8Array.of(0x01)));
    expect((await again.request(fromHex('00A4040C08F04641434F4E5452'))).at(-2)).toBe(0x90);
  });

  it('swaps cards by leaving the field for the minimum absence first', async () => {
    const first = countingCard();
    const second = countingCard();
    const { vpcd, bridge, events } = await setup(first.card, 80);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    await peer.request(Uint8Array.of(0x04));
    const swappedAt = Date.now();
    bridge.insert(second.card);
    await peer.closed;
    const next = await vpcd.nextPeer();
    expect(Date.now() - swappedAt).toBeGreaterThanOrEqual(75);
    await next.request(fromHex('00B00000'));
    expect(second.calls).toEqual(['apdu 00B00000']);
    expect(first.calls).toEqual([]);
    expect(events).toEqual(['connected', 'removed', 'connected']);
  });

  it('keeps trying until vpcd listens, and reconnects when vpcd drops the connection', async () => {
    const probe = await fakeVpcd();
    const port = probe.port;
    await probe.close();
    const { card } = countingCard();
    const bridge = createVpcdBridge({ port, card: () => card, backoff: { initialMs: 5, maxMs: 20 } });
    const reasons: string[] = [];
    bridge.on('disconnected', (e) => reasons.push(e.reason));
    cleanups.push(() => bridge.stop());
    await bridge.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bridge.connected).toBe(false);
    const vpcd = await fakeVpcd(port);
    cleanups.push(() => vpcd.close());
    const peer = await vpcd.nextPeer();
    peer.socket.destroy();
    const again = await vpcd.nextPeer();
    expect(toHex(await again.request(Uint8Array.of(0x04)))).toBe(toHex(ATR));
    expect(reasons).toEqual(['lost']);
  });

  it('closes the connection on stop and does not come back', async () => {
    const { card } = countingCard();
    const { vpcd, bridge, events } = await setup(card);
    await bridge.start();
    const peer = await vpcd.nextPeer();
    await peer.request(Uint8Array.of(0x04));
    await bridge.stop();
    await peer.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['connected', 'stopped']);
  });
});
