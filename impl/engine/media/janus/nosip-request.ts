import { EngineError } from "../../engine-error.ts";
import { filterCodecs } from "../codec-filter.ts";
import type { MediaPolicy, MediaSide } from "../media-policy.ts";
import { stripWebrtcAttributes } from "../network-sdp.ts";
import type { JanusMessage } from "./janus-connection.ts";

/** The kind of SDP the SIP engine hands the anchor. */
export type SdpExchange = "offer" | "answer";

/** One NoSIP `message`: its body, the JSEP it carries, and where the SDP to forward is in the reply. */
export interface NosipRequest {
  readonly body: {
    readonly request: "generate" | "process";
    readonly type?: SdpExchange;
    readonly sdp?: string;
    readonly srtp?: "sdes_mandatory";
  };
  readonly jsep?: { readonly type: SdpExchange; readonly sdp: string };
  /** The SDP for the other side in Janus's `event`, or undefined when it carries none. */
  read(reply: JanusMessage): string | undefined;
}

/**
 * The NoSIP request for an SDP from `from` (janus_nosip.c, "NoSIP Plugin API"):
 *
 * | from    | offer                                 | answer                                 |
 * |---------|---------------------------------------|----------------------------------------|
 * | device  | generate + JSEP offer → barebone offer | generate + JSEP answer → barebone answer |
 * | network | process offer → JSEP offer             | process answer → JSEP answer           |
 *
 * "generate" takes the browser's JSEP and answers `result.sdp` (plain RTP/AVP, or RTP/SAVP with
 * a=crypto when `srtp` asks for SDES); "process" takes the SIP side's SDP and answers with the JSEP
 * Janus built for the browser (ICE, DTLS-SRTP, BUNDLE, rtcp-mux).
 *
 * Offers pass the codec policy first: Janus does not transcode, so only the policy's codecs cross,
 * in its order of preference, and an offer without any of its audio codecs is refused here.
 */
export function nosipRequest(
  exchange: SdpExchange,
  from: MediaSide,
  sdp: string,
  policy: MediaPolicy,
): NosipRequest {
  const body = exchange === "offer" ? policyOffer(from, sdp, policy) : sdp;
  if (from === "device") {
    return {
      body: {
        request: "generate",
        ...(exchange === "offer" && policy.networkTransport === "RTP/SAVP" ? { srtp: "sdes_mandatory" } : {}),
      },
      jsep: { type: exchange, sdp: body },
      read(reply) {
        const data = (reply.plugindata as { data?: { result?: { sdp?: unknown } } } | undefined)?.data;
        const out = data?.result?.sdp;
        return typeof out === "string" ? toNetworkSdp(out) : undefined;
      },
    };
  }
  return {
    body: { request: "process", type: exchange, sdp: body },
    read(reply) {
      const out = (reply.jsep as { sdp?: unknown } | undefined)?.sdp;
      return typeof out === "string" ? out : undefined;
    },
  };
}

/** The policy's codecs of an offer; refuses one whose audio shares none with the policy. */
function policyOffer(from: MediaSide, sdp: string, policy: MediaPolicy): string {
  const filtered = filterCodecs(sdp, policy);
  const audio = filtered.media.filter((m) => m.type === "audio");
  if (audio.length > 0 && audio.every((m) => m.noCommonCodec)) {
    const offered = [...new Set(audio.flatMap((m) => m.removed))].join(", ");
    throw new EngineError(
      "invalid_sdp",
      `media anchor offer: the ${from} offers ${offered}, none of ${policy.audio.join(", ")}; Janus does not transcode`,
      {
        clientMessage: `The offer has none of the audio codecs the gateway relays (${policy.audio.join(", ")}); its media anchor (Janus) does not transcode.`,
      },
    );
  }
  return filtered.sdp;
}

/**
 * NoSIP's barebone SDP for the SIP side, less what only WebRTC endpoints use (network-sdp.ts) and
 * its BUNDLE group: each of its m-lines has its own port, so the group means nothing there.
 */
function toNetworkSdp(sdp: string): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  return stripWebrtcAttributes(sdp)
    .split(/\r?\n/)
    .filter((line) => !line.startsWith("a=group:BUNDLE"))
    .join(eol);
}
