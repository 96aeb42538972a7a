import type { MediaLeg } from "../media-anchor.ts";
import type { BencodeDict } from "./bencode.ts";
import { type CodecPolicy, type FilteredMedia, filterCodecs } from "./codec-filter.ts";

/** The side an SDP comes from: "device" is the WebRTC client, "network" the SIP side. */
export type MediaSide = MediaLeg["from"];

/** How the gateway anchors media; every field has a default in {@link DEFAULT_MEDIA_POLICY}. */
export interface MediaPolicy extends CodecPolicy {
  /**
   * Transport profile towards the SIP network: plain `RTP/AVP` (default), or `RTP/SAVP` for
   * SDES-SRTP (RFC 4568 keys in a=crypto, which needs a signalling path the operator trusts).
   */
  readonly networkTransport: "RTP/AVP" | "RTP/SAVP";
  /**
   * Let rtpengine transcode between Opus and G.711/G.722 when the two sides share no audio codec
   * (needs rtpengine built with its transcoding engine, as Debian's rtpengine-daemon is). Default true.
   */
  readonly transcoding: boolean;
}

export const DEFAULT_MEDIA_POLICY: MediaPolicy = {
  audio: ["opus", "G722", "PCMA", "PCMU"],
  video: ["VP8", "H264"],
  telephoneEvent: true,
  networkTransport: "RTP/AVP",
  transcoding: true,
};

/** The WebRTC profile: "UDP/TLS/RTP/SAVPF" with ICE, DTLS-SRTP and rtcp-mux (RFC 8827, RFC 8834). */
const WEBRTC_PROTOCOL = "UDP/TLS/RTP/SAVPF";

/** An ng request for one offer or answer: the SDP to send rtpengine and the flags that go with it. */
export interface NgPlan {
  readonly sdp: string;
  readonly params: BencodeDict;
  readonly media: readonly FilteredMedia[];
}

/** Parameters describing the side an SDP is going *to* (rtpengine rewrites for the recipient). */
function towards(recipient: MediaSide, policy: MediaPolicy, message: "offer" | "answer"): BencodeDict {
  // "replace origin / session connection": the recipient must see rtpengine's address, never the
  // sender's; "trust address": the SDP addresses are the endpoints (no SIP source address here).
  const common: BencodeDict = { replace: ["origin", "session connection"], flags: ["trust address"] };
  if (recipient === "device") {
    return {
      ...common,
      flags: ["trust address", "generate mid"],
      // JSEP (RFC 9429 §5.1.1): browsers need ICE, DTLS-SRTP and rtcp-mux; SDES is refused.
      ICE: "force",
      "transport-protocol": WEBRTC_PROTOCOL,
      SDES: ["off"],
      // "require": no separate RTCP port is advertised, as WebRTC demands (RFC 8834 §4.5).
      "rtcp-mux": message === "offer" ? ["offer", "require"] : ["require"],
    };
  }
  return {
    ...common,
    ICE: "remove",
    DTLS: "off",
    "transport-protocol": policy.networkTransport,
    ...(policy.networkTransport === "RTP/AVP" ? { SDES: ["off"] } : {}),
    // Many SIP endpoints do not multiplex RTCP: offer separate ports, keep mux towards the browser.
    "rtcp-mux": ["demux"],
  };
}

const other = (side: MediaSide): MediaSide => (side === "device" ? "network" : "device");

/**
 * Plans an ng `offer` for an SDP offer coming from `from`: codec policy applied, transport
 * translated for the other side, and transcoding requested where the sides may share no codec.
 *
 * - Device → network: the configured audio codecs the browser did not offer are added for
 *   transcoding ("codec transcode"); rtpengine engages its transcoder only if the SIP answer
 *   picks one of them.
 * - Network → device: if the SIP offer carries none of the configured audio codecs, they are
 *   offered to the browser by transcoding and the original ones are masked from it.
 */
export function planOffer(from: MediaSide, sdp: string, policy: MediaPolicy = DEFAULT_MEDIA_POLICY): NgPlan {
  const filtered = filterCodecs(sdp, policy);
  const params = towards(other(from), policy, "offer");
  const audio = filtered.media.filter((m) => m.type === "audio");
  if (policy.transcoding && audio.length > 0) {
    const offered = new Set(audio.flatMap((m) => m.kept.map((c) => c.toLowerCase())));
    const missing = policy.audio.filter((c) => !offered.has(c.toLowerCase()));
    if (from === "device" && missing.length > 0) params.codec = { transcode: [...missing] };
    if (from === "network" && audio.every((m) => m.noCommonCodec)) {
      const foreign = [...new Set(audio.flatMap((m) => m.removed))].filter((c) => c !== "telephone-event");
      params.codec = { mask: foreign, transcode: [...policy.audio] };
    }
  }
  return { sdp: filtered.sdp, params, media: filtered.media };
}

/** Plans an ng `answer` for an SDP answer coming from `from` (the answerer), towards the offerer. */
export function planAnswer(from: MediaSide, sdp: string, policy: MediaPolicy = DEFAULT_MEDIA_POLICY): NgPlan {
  return { sdp, params: towards(other(from), policy, "answer"), media: [] };
}
