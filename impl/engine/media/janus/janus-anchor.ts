import type { MediaAnchor, MediaLeg } from "../../media-anchor.ts";
import { DEFAULT_MEDIA_POLICY, type MediaPolicy } from "../media-policy.ts";
import type { MediaStatistics } from "../media-statistics.ts";
import { anchoredHandles } from "./anchored-handles.ts";
import type { JanusAdmin } from "./janus-admin.ts";
import { claimJanusCall, destroyJanusCall, type JanusCall, openJanusCall } from "./janus-call.ts";
import type { JanusMessage, LazyJanusConnection } from "./janus-connection.ts";
import { janusEngineError } from "./janus-engine-error.ts";
import { janusExchange } from "./janus-exchange.ts";
import { toJanusStatistics } from "./janus-statistics.ts";
import type { SdpExchange } from "./nosip-request.ts";
import { watchJanusCalls } from "./watch-janus-calls.ts";

export { NOSIP_PLUGIN } from "./janus-call.ts";

/** The media anchor backed by Janus's NoSIP plugin, with the extras the gateway and its tests use. */
export interface JanusAnchor extends MediaAnchor {
  /** Always present: the anchor renegotiates the WebRTC side alone (see MediaAnchor.restartDevice). */
  restartDevice(leg: MediaLeg, offerSdp: string, networkSdp: string): Promise<string>;
  /** Media statistics of a call by media session id (or SIP Call-ID); undefined if Janus holds none. */
  query(id: string): Promise<MediaStatistics | undefined>;
  /** Media session ids of the NoSIP handles Janus holds under this anchor's opaque-id prefix. */
  list(): Promise<string[]>;
  /** The opaque id of every handle Janus holds, whoever attached it ("" for none). */
  callIds(): Promise<string[]>;
  /** Every Janus API session Janus holds, whoever created it. */
  sessions(): Promise<number[]>;
  /**
   * Destroys the Janus sessions whose NoSIP handle carries this anchor's prefix and that it does not
   * anchor itself (an earlier run's), except `spare`, which it claims (calls carried on after a
   * restart); resolves with the destroyed ones' media session ids.
   */
  reclaim(spare?: ReadonlySet<string>): Promise<string[]>;
  /** Whether the Janus API answers `info`. */
  ping(): Promise<boolean>;
  /** Closes the connections (Janus then destroys the sessions created on them). */
  close(): Promise<void>;
}

export interface JanusAnchorOptions {
  /** The Janus API WebSocket (openJanusConnection with the Janus API URL, made lazy). */
  readonly api: LazyJanusConnection;
  /** The Admin API, for list, query and reclaim; without it they fail with network_unreachable. */
  readonly admin?: JanusAdmin;
  /** Codec policy (Janus does not transcode: `transcoding` is ignored); default DEFAULT_MEDIA_POLICY. */
  readonly policy?: MediaPolicy;
  /**
   * Starts the `opaque_id` of every NoSIP handle (`<prefix><mediaSessionId>`), by which list and
   * reclaim tell this gateway's calls from those of other Janus users. Default "camara-gw-".
   */
  readonly opaqueIdPrefix?: string;
  /** Interval of the keepalive each Janus session needs within its session_timeout (default 60 s); default 25000 ms. */
  readonly keepaliveMs?: number;
  /** Where failures of `delete` (which never throws) are reported; default silent. */
  readonly onDeleteError?: (error: Error, id: string) => void;
  /** Janus events about a call's PeerConnection (`hangup` with its reason, `timeout`, `detached`, `webrtcup`). */
  readonly onEvent?: (event: JanusMessage, mediaSessionId: string) => void;
}

/**
 * Anchors every call's media in Janus through the NoSIP plugin: one Janus session with one NoSIP
 * handle per media session (opaque id `<prefix><mediaSessionId>`), created by the call's first offer
 * and destroyed by `delete`, which detaches the handle and closes its PeerConnection.
 *
 * NoSIP maps the four exchanges of the interface (janus_nosip.c, "NoSIP Plugin API"):
 * - device offer → `generate` with the browser's JSEP offer → the barebone offer for the SIP side;
 * - network answer → `process` type answer → the JSEP answer for the browser (ICE, DTLS, BUNDLE);
 * - network offer → `process` type offer → the JSEP offer for the browser;
 * - device answer → `generate` with the browser's JSEP answer → the barebone answer.
 * Re-offers (hold, resume, UPDATE, re-INVITE) take the same paths; Janus marks them as updates of the
 * negotiated session and keeps its ports.
 *
 * Janus does not transcode: the codecs of the policy are the only ones that cross (codec-filter.ts),
 * and a network offer without any of them is refused (invalid_sdp: 488).
 */
export function createJanusAnchor(options: JanusAnchorOptions): JanusAnchor {
  const { api, admin } = options;
  const policy = options.policy ?? DEFAULT_MEDIA_POLICY;
  const prefix = options.opaqueIdPrefix ?? "camara-gw-";
  const calls = new Map<string, JanusCall>();
  const bySipCallId = new Map<string, string>();
  const resolveId = (id: string) => bySipCallId.get(id) ?? id;
  /** Settles once the start-up reclaim has claimed the sessions of the calls carried on. */
  let claimed: Promise<unknown> = Promise.resolve();

  const keepalive = watchJanusCalls(api, calls, options);
  const open = (mediaSessionId: string) => openJanusCall(api, prefix, mediaSessionId);
  const destroy = (call: JanusCall, id: string, unknownIsFine = false) =>
    destroyJanusCall(api, options.onDeleteError, call, id, unknownIsFine);

  const exchange = (kind: SdpExchange, leg: MediaLeg, sdp: string): Promise<string> =>
    janusExchange({ api, policy, calls, bySipCallId, claimed: () => claimed, open, destroy }, kind, leg, sdp);

  const { all: handlesOf, ours } = anchoredHandles(admin, prefix);

  return {
    offer: (leg, sdp) => exchange("offer", leg, sdp),
    answer: (leg, sdp) => exchange("answer", leg, sdp),
    async restartDevice(leg, offerSdp, networkSdp) {
      // The browser's JSEP offer with new credentials restarts ICE in the Janus core (janus.c: a
      // remote offer whose ice-ufrag changed); NoSIP's `generate` keeps the handle's RTP ports, and
      // `process` with the network's last SDP gives the browser its answer. Nothing is sent to SIP.
      await exchange("offer", { ...leg, from: "device" }, offerSdp);
      return exchange("answer", { ...leg, from: "network" }, networkSdp);
    },
    async delete(id) {
      const mediaSessionId = resolveId(id);
      for (const [sip, media] of bySipCallId) if (media === mediaSessionId) bySipCallId.delete(sip);
      const call = calls.get(mediaSessionId);
      if (!call) return;
      if (call.inFlight > 0) call.released = true;
      else calls.delete(mediaSessionId);
      await destroy(call, mediaSessionId);
    },
    async query(id) {
      const mediaSessionId = resolveId(id);
      const handle = (await ours()).find((h) => h.mediaSessionId === mediaSessionId);
      if (!handle || !admin) return undefined;
      const info = await admin.handleInfo(handle.sessionId, handle.handleId).catch(() => undefined);
      return info ? toJanusStatistics(mediaSessionId, info) : undefined;
    },
    list: async () => (await ours()).map((h) => h.mediaSessionId),
    callIds: async () => (await handlesOf()).map((h) => h.opaqueId),
    async sessions() {
      if (!admin) return [];
      return admin.sessions();
    },
    async reclaim(spare) {
      if (!admin) return [];
      const claiming = (async () => {
        const listed = await ours();
        for (const h of listed)
          if (spare?.has(h.mediaSessionId) && !calls.has(h.mediaSessionId)) {
            const call = claimJanusCall(api, h.sessionId, h.handleId);
            calls.set(h.mediaSessionId, call);
            // A session Janus no longer lets us claim (its reclaim timeout passed) is forgotten: the
            // call's next offer opens a new one.
            call.ready.catch((error: unknown) => {
              if (calls.get(h.mediaSessionId) === call) calls.delete(h.mediaSessionId);
              options.onDeleteError?.(janusEngineError(error, "reclaim"), h.mediaSessionId);
            });
          }
        return listed;
      })();
      claimed = claiming.catch(() => undefined);
      const held = await claiming;
      const orphans = held.filter((h) => !calls.has(h.mediaSessionId) && !spare?.has(h.mediaSessionId));
      for (const orphan of orphans)
        await admin.destroySession(orphan.sessionId).catch((error: unknown) => {
          options.onDeleteError?.(janusEngineError(error, "reclaim"), orphan.mediaSessionId);
        });
      return orphans.map((h) => h.mediaSessionId);
    },
    ping: () =>
      api
        .get()
        .then((c) => c.request({ janus: "info" }))
        .then(
          () => true,
          () => false,
        ),
    async close() {
      clearInterval(keepalive);
      api.close();
      admin?.close();
    },
  };
}
