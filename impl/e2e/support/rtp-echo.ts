import { createSocket, type Socket } from "node:dgram";

export type MediaKind = "audio" | "video";

/** One media line of the endpoint's SDP. */
export interface EchoMedia {
  readonly kind: MediaKind;
  /** Payload type and encoding, e.g. `8` and `PCMA/8000`. */
  readonly payload: number;
  readonly encoding: string;
  readonly extra?: readonly string[];
  /** a=crypto line value (SDES) when the profile is RTP/SAVP. */
  readonly crypto?: string;
}

/** Counters per media kind. */
export interface EchoCounters {
  readonly received: Record<MediaKind, number>;
  readonly echoed: Record<MediaKind, number>;
  /** RTP payload types seen per kind (to tell G.711 from Opus on the wire). */
  readonly payloadTypes: Record<MediaKind, Set<number>>;
}

/**
 * A plain RTP endpoint on 127.0.0.1 standing in for a SIP phone: it answers or offers RTP/AVP and
 * sends every RTP packet it receives back to where it came from (like SIPp's -rtp_echo). While
 * `echo` is false (the endpoint is on hold, recvonly or inactive) it receives but sends nothing.
 */
export class RtpEcho {
  echo = true;
  readonly counters: EchoCounters = {
    received: { audio: 0, video: 0 },
    echoed: { audio: 0, video: 0 },
    payloadTypes: { audio: new Set(), video: new Set() },
  };
  private readonly sockets = new Map<MediaKind, { rtp: Socket; rtcp: Socket }>();

  static async start(kinds: readonly MediaKind[]): Promise<RtpEcho> {
    const echo = new RtpEcho();
    for (const kind of kinds)
      echo.sockets.set(kind, { rtp: await echo.bind(kind, true), rtcp: await echo.bind(kind, false) });
    return echo;
  }

  port(kind: MediaKind): number {
    const s = this.sockets.get(kind);
    if (!s) throw new Error(`no ${kind} socket`);
    return s.rtp.address().port;
  }

  /** An SDP body (offer or answer) for these media lines, with a=rtcp naming the RTCP socket. */
  sdp(media: readonly EchoMedia[], direction = "sendrecv", version = 1): string {
    const lines = [
      "v=0",
      `o=echo 4242 ${version} IN IP4 127.0.0.1`,
      "s=rtp echo",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
    ];
    for (const m of media) {
      const s = this.sockets.get(m.kind);
      if (!s) throw new Error(`no ${m.kind} socket`);
      lines.push(
        `m=${m.kind} ${s.rtp.address().port} ${m.crypto ? "RTP/SAVP" : "RTP/AVP"} ${m.payload}`,
        `a=rtpmap:${m.payload} ${m.encoding}`,
        ...(m.extra ?? []),
        ...(m.crypto ? [`a=crypto:${m.crypto}`] : []),
        `a=rtcp:${s.rtcp.address().port}`,
        `a=${direction}`,
      );
    }
    return `${lines.join("\r\n")}\r\n`;
  }

  async close(): Promise<void> {
    for (const { rtp, rtcp } of this.sockets.values())
      await Promise.all([rtp, rtcp].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets.clear();
  }

  private async bind(kind: MediaKind, isRtp: boolean): Promise<Socket> {
    const socket = createSocket("udp4");
    socket.on("error", () => undefined);
    if (isRtp) {
      socket.on("message", (packet, from) => {
        // RFC 3550 §5.1: version 2; RFC 5761 §4: RTCP packet types 192-223 on a muxed port are not RTP.
        if (packet.length < 12 || packet[0] === undefined || packet[0] >> 6 !== 2) return;
        const pt = (packet[1] ?? 0) & 0x7f;
        if (pt >= 64 && pt <= 95) return;
        this.counters.received[kind] += 1;
        this.counters.payloadTypes[kind].add(pt);
        if (!this.echo) return;
        this.counters.echoed[kind] += 1;
        socket.send(packet, from.port, from.address);
      });
    }
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    return socket;
  }
}
