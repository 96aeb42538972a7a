import type { MediaAnchor, MediaLeg } from "../sip/media-anchor.ts";
import type { BencodeDict } from "./bencode.ts";
import { type MediaDirection, maySend, mediaDirection } from "./media-direction.ts";
import {
  DEFAULT_MEDIA_POLICY,
  type MediaPolicy,
  type MediaSide,
  planAnswer,
  planOffer,
} from "./media-policy.ts";
import { type MediaStatistics, toMediaStatistics } from "./media-statistics.ts";
import { stripWebrtcAttributes } from "./network-sdp.ts";
import type { NgClient } from "./ng-client.ts";
import { validateSdp } from "./sdp-validate.ts";
import { toEngineError } from "./to-engine-error.ts";

/** The media anchor backed by rtpengine, with the extras the gateway and its tests use. */
export interface RtpengineAnchor extends MediaAnchor {
  /** Media statistics of a call by media session id (or SIP Call-ID); undefined if rtpengine has none. */
  query(id: string): Promise<MediaStatistics | undefined>;
  /** Call ids rtpengine currently holds (ng `list`), at most `limit` (default 1000). */
  list(limit?: number): Promise<string[]>;
  /** Whether rtpengine answers `ping`. */
  ping(): Promise<boolean>;
}

export interface RtpengineAnchorOptions {
  readonly ng: NgClient;
  readonly policy?: MediaPolicy;
  /** Where failures of `delete` (which never throws) are reported; default silent. */
  readonly onDeleteError?: (error: Error, id: string) => void;
}

const other = (side: MediaSide): MediaSide => (side === "device" ? "network" : "device");

/**
 * Anchors every call's media in rtpengine. One rtpengine call per media session (its call-id is
 * the mediaSessionId), with two fixed participants tagged after the sides, "device" and "network":
 * the gateway is a B2BUA, so both sides' tags are known for every offer and answer, whichever side
 * sends it (initial offer, 183/200 answer, UPDATE, re-INVITE, hold and resume alike).
 *
 * ng semantics: "from-tag" names the party that sent the offer, "to-tag" the answerer; an answer
 * keeps the offer's from-tag.
 *
 * Directions: rtpengine forwards whatever arrives, whatever a=sendonly/recvonly say. When the SIP
 * engine answers a remote hold by itself (the browser keeps its old SDP and keeps sending), the
 * held party would still get media. So after every answer the anchor applies RFC 3264 §6.1 ("If a
 * media stream is listed as recvonly ... the answerer MUST NOT send") with ng `block media` /
 * `unblock media` on the side that may not send.
 */
export function createRtpengineAnchor(options: RtpengineAnchorOptions): RtpengineAnchor {
  const { ng } = options;
  const policy = options.policy ?? DEFAULT_MEDIA_POLICY;
  // SIP Call-ID → mediaSessionId, so delete and query accept either id.
  const bySipCallId = new Map<string, string>();
  const remember = (leg: MediaLeg) => {
    if (leg.callId && leg.callId !== leg.mediaSessionId) bySipCallId.set(leg.callId, leg.mediaSessionId);
  };
  const resolveId = (id: string) => bySipCallId.get(id) ?? id;
  // Per call: the direction each side declared last, and the sides whose media rtpengine drops.
  const calls = new Map<
    string,
    { direction: Partial<Record<MediaSide, MediaDirection>>; blocked: Set<MediaSide> }
  >();

  const enforceDirections = async (callId: string) => {
    const call = calls.get(callId);
    if (!call) return;
    for (const side of ["device", "network"] as const) {
      const allowed = maySend(call.direction[side] ?? "sendrecv", call.direction[other(side)] ?? "sendrecv");
      if (allowed === !call.blocked.has(side)) continue;
      await ng
        .request(allowed ? "unblock media" : "block media", { "call-id": callId, "from-tag": side })
        .catch((error: unknown) => {
          throw toEngineError(error, allowed ? "unblock media" : "block media");
        });
      if (allowed) call.blocked.delete(side);
      else call.blocked.add(side);
    }
  };

  const rewrite = async (
    command: "offer" | "answer",
    leg: MediaLeg,
    sdp: string,
    fromTag: MediaSide,
    toTag: MediaSide,
  ): Promise<string> => {
    validateSdp(sdp);
    remember(leg);
    const plan = command === "offer" ? planOffer(leg.from, sdp, policy) : planAnswer(leg.from, sdp, policy);
    let reply: BencodeDict;
    try {
      reply = await ng.request(command, {
        ...plan.params,
        "call-id": leg.mediaSessionId,
        "from-tag": fromTag,
        "to-tag": toTag,
        sdp: plan.sdp,
      });
    } catch (error) {
      throw toEngineError(error, command);
    }
    if (typeof reply.sdp !== "string") throw toEngineError(new Error("rtpengine returned no SDP"), command);
    const call = calls.get(leg.mediaSessionId) ?? { direction: {}, blocked: new Set<MediaSide>() };
    calls.set(leg.mediaSessionId, call);
    call.direction[leg.from] = mediaDirection(sdp);
    if (command === "answer") await enforceDirections(leg.mediaSessionId);
    // The SDP goes to the side that did not send it.
    return leg.from === "device" ? stripWebrtcAttributes(reply.sdp) : reply.sdp;
  };

  return {
    offer: (leg, sdp) => rewrite("offer", leg, sdp, leg.from, other(leg.from)),
    answer: (leg, sdp) => rewrite("answer", leg, sdp, other(leg.from), leg.from),
    async delete(id) {
      const callId = resolveId(id);
      for (const [sip, media] of bySipCallId) if (media === callId) bySipCallId.delete(sip);
      calls.delete(callId);
      try {
        // "delete-delay" 0: remove the call at once (the B2BUA sees every teardown itself).
        await ng.request("delete", { "call-id": callId, "from-tag": "device", "delete-delay": 0 });
      } catch (error) {
        options.onDeleteError?.(toEngineError(error, "delete"), callId);
      }
    },
    async query(id) {
      const callId = resolveId(id);
      try {
        return toMediaStatistics(callId, await ng.request("query", { "call-id": callId }));
      } catch (error) {
        const mapped = toEngineError(error, "query");
        if (mapped.failure === "unknown_session") return undefined;
        throw mapped;
      }
    },
    async list(limit = 1000) {
      const reply = await ng.request("list", { limit }).catch((error: unknown) => {
        throw toEngineError(error, "list");
      });
      return Array.isArray(reply.calls) ? reply.calls.filter((c): c is string => typeof c === "string") : [];
    },
    ping: () =>
      ng.request("ping").then(
        () => true,
        () => false,
      ),
  };
}
