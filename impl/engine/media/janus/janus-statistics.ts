import type { MediaSectionStatistics, MediaStatistics, PacketCounters } from "../media-statistics.ts";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const counters = (v: unknown): PacketCounters => ({
  packets: num(obj(v).packets),
  bytes: num(obj(v).bytes),
  errors: 0,
});
const add = (a: PacketCounters, b: PacketCounters): PacketCounters => ({
  packets: a.packets + b.packets,
  bytes: a.bytes + b.bytes,
  errors: a.errors + b.errors,
});
const ZERO: PacketCounters = { packets: 0, bytes: 0, errors: 0 };

/**
 * Media statistics of a call from the Admin API's `handle_info` of its NoSIP handle, in the shape
 * the rtpengine anchor reports (media-statistics.ts).
 *
 * Janus counts per WebRTC medium (`info.webrtc.media[mid].stats`): `in` is what it received from
 * the browser (and the NoSIP plugin sends on to the SIP side), `out` what it sent the browser, every
 * packet of which the plugin received from the SIP side (NoSIP relays nothing else). So the device
 * side's `received` is `in` and the network side's is `out`. The network protocol is RTP/SAVP when
 * the plugin reports SDES-SRTP (`plugin_specific["srtp-required"]` or `sdes-local`), else RTP/AVP.
 */
export function toJanusStatistics(mediaSessionId: string, handleInfo: Json): MediaStatistics {
  const info = obj(handleInfo.info ?? handleInfo);
  const plugin = obj(info.plugin_specific);
  const srtp = plugin["srtp-required"] === "yes" || plugin["sdes-local"] === "yes";
  const media = Object.values(obj(obj(info.webrtc).media)).map(obj);
  const device: MediaSectionStatistics[] = [];
  const network: MediaSectionStatistics[] = [];
  for (const m of media) {
    const type = typeof m.type === "string" ? m.type : "unknown";
    if (type !== "audio" && type !== "video") continue;
    const stats = obj(m.stats);
    const direction = obj(m.direction);
    const flags = [
      "ICE",
      "DTLS-SRTP",
      "rtcp-mux",
      "BUNDLE",
      ...(direction.send === true ? ["send"] : []),
      ...(direction.recv === true ? ["recv"] : []),
    ];
    device.push({ type, protocol: "UDP/TLS/RTP/SAVPF", received: counters(stats.in), flags });
    network.push({ type, protocol: srtp ? "RTP/SAVP" : "RTP/AVP", received: counters(stats.out), flags: [] });
  }
  const sum = (list: MediaSectionStatistics[]) => list.map((m) => m.received).reduce(add, ZERO);
  return {
    callId: mediaSessionId,
    sides: {
      device: { media: device, received: sum(device) },
      network: { media: network, received: sum(network) },
    },
    totals: { rtp: add(sum(device), sum(network)), rtcp: ZERO },
  };
}
