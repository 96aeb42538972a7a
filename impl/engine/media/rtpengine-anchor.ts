import { type EngineLogger, silentLogger } from "../engine.ts";
import type { EngineError } from "../engine-error.ts";
import type { MediaAnchor, MediaLeg } from "../media-anchor.ts";
import { type MediaDirection, maySend, sdpDirection } from "../sdp-direction.ts";
import { validateSdp } from "../sdp-validate.ts";
import type { BencodeDict } from "./bencode.ts";
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
import { toEngineError } from "./to-engine-error.ts";

/** The media anchor backed by rtpengine, with the extras the gateway and its tests use. */
export interface RtpengineAnchor extends MediaAnchor {
  /** Always present: the anchor renegotiates the WebRTC side alone (see MediaAnchor.restartDevice). */
  restartDevice(leg: MediaLeg, offerSdp: string, networkSdp: string): Promise<string>;
  /** Media statistics of a call by media session id (or SIP Call-ID); undefined if rtpengine has none. */
  query(id: string): Promise<MediaStatistics | undefined>;
  /**
   * Media session ids of the calls rtpengine holds under this anchor's call-id prefix (ng `list`;
   * `limit` bounds the calls rtpengine lists, ours and others', default 1000).
   */
  list(limit?: number): Promise<string[]>;
  /** Every call-id rtpengine holds, whoever created it (ng `list`, at most `limit`, default 1000). */
  callIds(limit?: number): Promise<string[]>;
  /**
   * Deletes the calls under this anchor's prefix that it does not anchor itself: those an earlier
   * run of the gateway left behind (its sessions lived in memory and died with it). Resolves with
   * their media session ids. Calls this anchor created, including those whose offer is still on its
   * way to rtpengine, are kept; so are calls under other prefixes and those in `spare` (calls a
   * restarted gateway carries on).
   */
  reclaim(spare?: ReadonlySet<string>, limit?: number): Promise<string[]>;
  /** Whether rtpengine answers `ping`. */
  ping(): Promise<boolean>;
}

export interface RtpengineAnchorOptions {
  readonly ng: NgClient;
  readonly policy?: MediaPolicy;
  /**
   * Prefix of the rtpengine call-id of every call the anchor creates (`<prefix><mediaSessionId>`),
   * by which {@link RtpengineAnchor.list} and {@link RtpengineAnchor.reclaim} tell the gateway's
   * calls from those of other rtpengine users. Gateways that share one rtpengine need different
   * prefixes. Default {@link DEFAULT_CALL_ID_PREFIX}.
   */
  readonly callIdPrefix?: string;
  /** Where failures of `delete` (which never throws) are reported; default silent. */
  readonly onDeleteError?: (error: Error, id: string) => void;
  /**
   * Each offer and answer is logged through a child bound to the leg's `{correlator, mediaSessionId,
   * callId}`; default silent.
   */
  readonly logger?: EngineLogger;
}

/** The call-id prefix of a gateway that is not told otherwise (RTPENGINE_CALL_ID_PREFIX). */
export const DEFAULT_CALL_ID_PREFIX = "camara-gw-";

/** Call-ids asked of ng `list` by default: about 50 kB of reply, within one UDP datagram. */
const LIST_LIMIT = 1000;

const other = (side: MediaSide): MediaSide => (side === "device" ? "network" : "device");

/** What the anchor tracks per media session it anchors. */
interface AnchoredCall {
  /** The direction each side declared last. */
  readonly direction: Partial<Record<MediaSide, MediaDirection>>;
  /** The sides whose media rtpengine drops. */
  readonly blocked: Set<MediaSide>;
  /** offer/answer requests on their way to rtpengine. */
  inFlight: number;
  /** The call was deleted while a request was in flight: that request must not revive it. */
  released: boolean;
  /** rtpengine accepted an offer or answer for it. */
  anchored: boolean;
}

/**
 * Anchors every call's media in rtpengine. One rtpengine call per media session (its call-id is
 * the call-id prefix followed by the mediaSessionId), with two fixed participants tagged after the
 * sides, "device" and "network": the gateway is a B2BUA, so both sides' tags are known for every
 * offer and answer, whichever side sends it (initial offer, 183/200 answer, UPDATE, re-INVITE, hold
 * and resume alike).
 *
 * ng semantics: "from-tag" names the party that sent the offer, "to-tag" the answerer; an answer
 * keeps the offer's from-tag.
 *
 * Directions: rtpengine forwards whatever arrives, whatever a=sendonly/recvonly say. When the SIP
 * engine answers a remote hold by itself (the browser keeps its old SDP and keeps sending), the
 * held party would still get media. So after every answer the anchor applies RFC 3264 §6.1 ("If a
 * media stream is listed as recvonly ... the answerer MUST NOT send") with ng `block media` /
 * `unblock media` on the side that may not send.
 *
 * Teardown: a call deleted while its offer is still on its way to rtpengine (a CANCEL that crosses
 * the INVITE's offer) is created by that offer if the delete overtakes it (a lost and retransmitted
 * datagram); the anchor deletes it again when the reply arrives. The offer still resolves: its leg
 * has ended and ignores it, and the SIP engine's fire-and-forget callers never see a rejection.
 */
export function createRtpengineAnchor(options: RtpengineAnchorOptions): RtpengineAnchor {
  const { ng } = options;
  const policy = options.policy ?? DEFAULT_MEDIA_POLICY;
  const prefix = options.callIdPrefix ?? DEFAULT_CALL_ID_PREFIX;
  const ngCallId = (mediaSessionId: string) => `${prefix}${mediaSessionId}`;
  // SIP Call-ID → mediaSessionId, so delete and query accept either id.
  const bySipCallId = new Map<string, string>();
  const remember = (leg: MediaLeg) => {
    if (leg.callId && leg.callId !== leg.mediaSessionId) bySipCallId.set(leg.callId, leg.mediaSessionId);
  };
  const resolveId = (id: string) => bySipCallId.get(id) ?? id;
  // The media sessions this anchor holds in rtpengine (or is about to), by mediaSessionId.
  const calls = new Map<string, AnchoredCall>();
  const enforceDirections = (mediaSessionId: string) =>
    applyDirections(ng, ngCallId(mediaSessionId), calls.get(mediaSessionId));
  const release = (mediaSessionId: string, unknownIsFine = false) =>
    deleteCall(ng, ngCallId(mediaSessionId), (error) => {
      if (!(unknownIsFine && error.failure === "unknown_session"))
        options.onDeleteError?.(error, mediaSessionId);
    });
  const callIds = (limit = LIST_LIMIT) => listCallIds(ng, limit);

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
    const id = leg.mediaSessionId;
    const call = trackedCall(calls, id);
    call.inFlight += 1;
    const log = legLogger(options.logger ?? silentLogger, leg);
    log.debug(`rtpengine ${command} from the ${leg.from} (call-id ${ngCallId(id)})`);
    let reply: BencodeDict | undefined;
    let failure: unknown;
    try {
      reply = await ng.request(command, {
        ...plan.params,
        "call-id": ngCallId(id),
        "from-tag": fromTag,
        "to-tag": toTag,
        sdp: plan.sdp,
      });
    } catch (error) {
      failure = error;
    } finally {
      call.inFlight -= 1;
    }
    if (call.released) {
      if (call.inFlight === 0 && calls.get(id) === call) calls.delete(id);
      // The delete may have reached rtpengine first (a lost and retransmitted offer): delete again.
      await release(id, true);
    }
    if (failure !== undefined || !reply) {
      // A first offer rtpengine refused anchored nothing to remember.
      if (!call.anchored && call.inFlight === 0 && calls.get(id) === call) calls.delete(id);
      const error = toEngineError(failure, command);
      log.warn(`rtpengine ${command} failed: ${error.message}`);
      throw error;
    }
    call.anchored = true;
    if (typeof reply.sdp !== "string") throw toEngineError(new Error("rtpengine returned no SDP"), command);
    if (!call.released) {
      call.direction[leg.from] = sdpDirection(sdp);
      if (command === "answer") await enforceDirections(id);
    }
    // The SDP goes to the side that did not send it.
    return leg.from === "device" ? stripWebrtcAttributes(reply.sdp) : reply.sdp;
  };

  const list = async (limit = LIST_LIMIT) =>
    (await callIds(limit)).filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));

  return {
    offer: (leg, sdp) => rewrite("offer", leg, sdp, leg.from, other(leg.from)),
    answer: (leg, sdp) => rewrite("answer", leg, sdp, other(leg.from), leg.from),
    async restartDevice(leg, offerSdp, networkSdp) {
      // ng offer on the same call: rtpengine sees the browser's new ice-ufrag/ice-pwd and restarts
      // ICE on the device's side, keeping the network side's ports; its network SDP is not sent.
      await rewrite("offer", { ...leg, from: "device" }, offerSdp, "device", "network");
      return rewrite("answer", { ...leg, from: "network" }, networkSdp, "device", "network");
    },
    async delete(id) {
      const mediaSessionId = resolveId(id);
      for (const [sip, media] of bySipCallId) if (media === mediaSessionId) bySipCallId.delete(sip);
      const call = calls.get(mediaSessionId);
      if (call && call.inFlight > 0) call.released = true;
      else calls.delete(mediaSessionId);
      await release(mediaSessionId);
    },
    query: (id) => {
      const mediaSessionId = resolveId(id);
      return queryCall(ng, ngCallId(mediaSessionId), mediaSessionId);
    },
    list,
    callIds,
    async reclaim(spare, limit = LIST_LIMIT) {
      const orphans = (await list(limit)).filter((id) => !calls.has(id) && !spare?.has(id));
      for (const id of orphans) await release(id);
      return orphans;
    },
    ping: () =>
      ng.request("ping").then(
        () => true,
        () => false,
      ),
  };
}

/** The call the anchor tracks for a media session, tracked from now on if it was not. */
function trackedCall(calls: Map<string, AnchoredCall>, mediaSessionId: string): AnchoredCall {
  const call: AnchoredCall = calls.get(mediaSessionId) ?? {
    direction: {},
    blocked: new Set<MediaSide>(),
    inFlight: 0,
    released: false,
    anchored: false,
  };
  calls.set(mediaSessionId, call);
  return call;
}

/** The logger of a leg's anchor requests: its correlator, mediaSessionId and SIP Call-ID. */
function legLogger(logger: EngineLogger, leg: MediaLeg): EngineLogger {
  return logger.child({
    ...(leg.correlator ? { correlator: leg.correlator } : {}),
    mediaSessionId: leg.mediaSessionId,
    callId: leg.callId,
  });
}

/**
 * RFC 3264 §6.1 ("If a media stream is listed as recvonly ... the answerer MUST NOT send") for each
 * side of an anchored call: ng `block media` / `unblock media` where the directions changed.
 */
async function applyDirections(
  ng: NgClient,
  ngCallId: string,
  call: AnchoredCall | undefined,
): Promise<void> {
  if (!call) return;
  for (const side of ["device", "network"] as const) {
    const allowed = maySend(call.direction[side] ?? "sendrecv", call.direction[other(side)] ?? "sendrecv");
    if (allowed === !call.blocked.has(side)) continue;
    const command = allowed ? "unblock media" : "block media";
    await ng.request(command, { "call-id": ngCallId, "from-tag": side }).catch((error: unknown) => {
      throw toEngineError(error, command);
    });
    if (allowed) call.blocked.delete(side);
    else call.blocked.add(side);
  }
}

/** ng `delete` at once ("delete-delay" 0: the B2BUA sees every teardown itself); never throws. */
async function deleteCall(
  ng: NgClient,
  ngCallId: string,
  failed: (error: EngineError) => void,
): Promise<void> {
  try {
    await ng.request("delete", { "call-id": ngCallId, "from-tag": "device", "delete-delay": 0 });
  } catch (error) {
    failed(toEngineError(error, "delete"));
  }
}

/** Every call-id rtpengine holds (ng `list`, at most `limit`). */
async function listCallIds(ng: NgClient, limit: number): Promise<string[]> {
  const reply = await ng.request("list", { limit }).catch((error: unknown) => {
    throw toEngineError(error, "list");
  });
  return Array.isArray(reply.calls) ? reply.calls.filter((c): c is string => typeof c === "string") : [];
}

/** ng `query`: the call's statistics, undefined when rtpengine does not know it. */
async function queryCall(
  ng: NgClient,
  ngCallId: string,
  mediaSessionId: string,
): Promise<MediaStatistics | undefined> {
  try {
    return toMediaStatistics(mediaSessionId, await ng.request("query", { "call-id": ngCallId }));
  } catch (error) {
    const mapped = toEngineError(error, "query");
    if (mapped.failure === "unknown_session") return undefined;
    throw mapped;
  }
}
