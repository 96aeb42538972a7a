import type { BencodeDict, BencodeValue } from "./bencode.ts";
import type { MediaSide } from "./media-policy.ts";

/** Packet counters of one direction of a stream, as rtpengine counts them. */
export interface PacketCounters {
  readonly packets: number;
  readonly bytes: number;
  readonly errors: number;
}

/** One m= section of one side, as rtpengine holds it. */
export interface MediaSectionStatistics {
  readonly type: string;
  readonly protocol: string;
  /** RTP (and muxed RTCP) that rtpengine received from this side's endpoint. */
  readonly received: PacketCounters;
  /** Status flags, e.g. `ICE`, `DTLS-SRTP`, `rtcp-mux`, `send`, `recv`. */
  readonly flags: readonly string[];
}

/** What rtpengine received from one side of the call. */
export interface MediaSideStatistics {
  readonly media: readonly MediaSectionStatistics[];
  /** Sum over this side's streams of packets rtpengine received from the endpoint. */
  readonly received: PacketCounters;
}

/**
 * Media statistics of an anchored call (rtpengine `query`). What rtpengine received from one side
 * is what it forwarded to the other (less what it could not decrypt or route), so the packets sent
 * towards the SIP network are `device.received` and those coming from it `network.received`.
 */
export interface MediaStatistics {
  readonly callId: string;
  readonly sides: Partial<Record<MediaSide, MediaSideStatistics>>;
  readonly totals: { readonly rtp: PacketCounters; readonly rtcp: PacketCounters };
}

const ZERO: PacketCounters = { packets: 0, bytes: 0, errors: 0 };

const dict = (v: BencodeValue | undefined): BencodeDict =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? v : {};
const list = (v: BencodeValue | undefined): BencodeValue[] => (Array.isArray(v) ? v : []);
const num = (v: BencodeValue | undefined): number => (typeof v === "number" ? v : 0);
const counters = (v: BencodeValue | undefined): PacketCounters => {
  const d = dict(v);
  return { packets: num(d.packets), bytes: num(d.bytes), errors: num(d.errors) };
};
const add = (a: PacketCounters, b: PacketCounters): PacketCounters => ({
  packets: a.packets + b.packets,
  bytes: a.bytes + b.bytes,
  errors: a.errors + b.errors,
});

/**
 * Reads an rtpengine `query` reply ("tags" → "medias" → "streams" → "stats", and "totals"; see
 * docs/ng_control_protocol.md, `query` Message). Tags other than the two sides are ignored.
 */
export function toMediaStatistics(callId: string, reply: BencodeDict): MediaStatistics {
  const sides: Partial<Record<MediaSide, MediaSideStatistics>> = {};
  for (const value of Object.values(dict(reply.tags))) {
    const tag = dict(value).tag;
    if (tag !== "device" && tag !== "network") continue;
    const media = list(dict(value).medias).map((m): MediaSectionStatistics => {
      const section = dict(m);
      const received = list(section.streams)
        .map((s) => counters(dict(s).stats))
        .reduce(add, ZERO);
      return {
        type: typeof section.type === "string" ? section.type : "unknown",
        protocol: typeof section.protocol === "string" ? section.protocol : "unknown",
        received,
        flags: list(section.flags).filter((f): f is string => typeof f === "string"),
      };
    });
    sides[tag] = { media, received: media.map((m) => m.received).reduce(add, ZERO) };
  }
  const totals = dict(reply.totals);
  return { callId, sides, totals: { rtp: counters(totals.RTP), rtcp: counters(totals.RTCP) } };
}
