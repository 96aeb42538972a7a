import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { decodeTelephoneEvent, digitOfEvent, encodeTelephoneEvent, eventOfDigit } from "./telephone-event.ts";

/** A DTMF key press as it arrived on the wire: the key and its final duration, milliseconds. */
export interface ReceivedDigit {
  readonly digit: string;
  readonly durationMs: number;
}

/** G.711 A-law payload type (RFC 3551) and its 20 ms frame of silence. */
const PCMA = 8;
const SILENCE = Buffer.alloc(160, 0xd5);
const FRAME_MS = 20;
/** RTP clock of PCMA and of telephone-event/8000, Hz. */
const CLOCK = 8000;

/**
 * The media of a SIP phone for DTMF tests, on 127.0.0.1: it sends a PCMA stream of silence (its own
 * SSRC, 20 ms frames) to where the anchor's media comes from, decodes the RFC 4733 telephone-events it
 * receives into digits with their durations, and sends digits as telephone-events in its stream
 * (§2.5: one timestamp per event, the marker on its first packet, the duration growing every 20 ms,
 * the end packet sent three times). Telephone-event packets are told from audio by their payload type:
 * any type other than PCMA carrying whole 4-byte events; the first one seen is the negotiated one.
 */
export class RtpDtmfPeer {
  readonly received: ReceivedDigit[] = [];
  /** RTP packets received, all payload types. */
  packetsIn = 0;
  /** The telephone-event payload type, learnt from the first event received. */
  eventPayloadType: number | undefined;
  private remote: RemoteInfo | undefined;
  private readonly ssrc = 0x1f2e3d4c;
  private seq = 1000;
  private timestamp = 160_000;
  private sendingEvent = false;
  private timer: NodeJS.Timeout | undefined;
  private current: { event: number; timestamp: number; end: boolean; duration: number } | undefined;

  private constructor(private readonly socket: Socket) {}

  static async start(): Promise<RtpDtmfPeer> {
    const socket = createSocket("udp4");
    const peer = new RtpDtmfPeer(socket);
    socket.on("error", () => undefined);
    socket.on("message", (packet, from) => peer.onPacket(packet, from));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    // Audio every 20 ms once the anchor's address is known (symmetric RTP, as phones behind NAT do).
    peer.timer = setInterval(() => {
      if (peer.remote && !peer.sendingEvent) peer.send(PCMA, SILENCE, false);
      peer.timestamp += (CLOCK * FRAME_MS) / 1000;
    }, FRAME_MS);
    return peer;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /**
   * Sends `digits` as telephone-events with payload type `payloadType`, each `durationMs` long and
   * `gapMs` of audio between them; resolves once the last end packet is sent.
   */
  async sendDigits(digits: string, payloadType: number, durationMs = 160, gapMs = 100): Promise<void> {
    if (!this.remote) throw new Error("no media from the anchor yet: nowhere to send DTMF");
    for (const digit of digits) {
      const event = eventOfDigit(digit);
      const start = this.timestamp;
      this.sendingEvent = true;
      const began = performance.now();
      for (let elapsed = FRAME_MS; elapsed <= durationMs; elapsed += FRAME_MS) {
        const payload = encodeTelephoneEvent({
          event,
          end: false,
          volume: 10,
          duration: (elapsed * CLOCK) / 1000,
        });
        this.send(payloadType, payload, elapsed === FRAME_MS, start);
        // Each packet at its own deadline from the event's start: a late timer does not stretch it.
        await sleep(Math.max(0, began + elapsed - performance.now()));
      }
      const last = encodeTelephoneEvent({
        event,
        end: true,
        volume: 10,
        duration: (durationMs * CLOCK) / 1000,
      });
      // §2.5.1.4: the final packet is retransmitted (three times in all), with the same sequence of its own.
      for (let i = 0; i < 3; i++) this.send(payloadType, last, false, start);
      this.sendingEvent = false;
      await sleep(gapMs);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private send(payloadType: number, payload: Buffer, marker: boolean, timestamp = this.timestamp): void {
    const remote = this.remote;
    if (!remote) return;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | payloadType;
    header.writeUInt16BE(this.seq & 0xffff, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.seq += 1;
    this.socket.send(Buffer.concat([header, payload]), remote.port, remote.address);
  }

  private onPacket(packet: Buffer, from: RemoteInfo): void {
    // RFC 3550 §5.1: version 2; RFC 5761 §4: RTCP packet types 192-223 on a muxed port are not RTP.
    if (packet.length < 12 || (packet[0] ?? 0) >> 6 !== 2) return;
    const payloadType = (packet[1] ?? 0) & 0x7f;
    if (payloadType >= 64 && payloadType <= 95) return;
    this.packetsIn += 1;
    this.remote ??= from;
    if (payloadType === PCMA) return;
    const headerLength = 12 + 4 * ((packet[0] ?? 0) & 0x0f);
    const event = decodeTelephoneEvent(packet.subarray(headerLength));
    if (!event) return;
    this.eventPayloadType ??= payloadType;
    if (payloadType !== this.eventPayloadType) return;
    const timestamp = packet.readUInt32BE(4);
    // One key press per event timestamp; its end packets (retransmitted) close it once.
    if (this.current?.timestamp !== timestamp)
      this.current = { event: event.event, timestamp, end: false, duration: event.duration };
    this.current.duration = Math.max(this.current.duration, event.duration);
    if (event.end && !this.current.end) {
      this.current.end = true;
      const digit = digitOfEvent(event.event);
      if (digit !== undefined)
        this.received.push({ digit, durationMs: (this.current.duration * 1000) / CLOCK });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
