import { validateSdp } from "./sdp-validate.ts";

/**
 * Hook for a media anchor (rtpengine, impl/engine/media) on each call leg. The SIP layer treats SDP
 * as opaque: it hands every SDP it is about to send or has received to the anchor and uses what the
 * anchor returns. The default passes SDP through unchanged.
 *
 * "device" is the WebRTC side (the API client), "network" the SIP side.
 */
export interface MediaAnchor {
  /** An offer travelling from `from` to the other side; returns the SDP to forward. */
  offer(leg: MediaLeg, sdp: string): Promise<string>;
  /** An answer travelling from `from` to the other side; returns the SDP to forward. */
  answer(leg: MediaLeg, sdp: string): Promise<string>;
  /** The call ended: release what the anchor holds for it. Never throws. */
  delete(callId: string): Promise<void>;
  /**
   * A device offer that only restarts ICE (sdp-ice-restart.ts) in a confirmed call: the anchor
   * renegotiates the WebRTC side alone, answering it as the network last did (`networkSdp`, the
   * network's last SDP as the network sent it), and resolves with the answer for the device; nothing
   * goes to the network. Absent where the device's transport is the network's (no anchor).
   */
  restartDevice?(leg: MediaLeg, offerSdp: string, networkSdp: string): Promise<string>;
}

export interface MediaLeg {
  /** The gateway's media session id. */
  readonly mediaSessionId: string;
  /** SIP Call-ID of the network leg. */
  readonly callId: string;
  readonly from: "device" | "network";
  /** The correlator of the call leg (see EngineLogger), for the anchor's log lines. */
  readonly correlator?: string;
}

/**
 * No media anchoring: each SDP goes on unchanged, once it is a session description (RFC 8866
 * structure, validateSdp), so an unparsable offer or answer is refused here as rtpengine's anchor
 * refuses it (EngineError `invalid_sdp`: 488 to the network, 400 INVALID_ARGUMENT to the API client)
 * instead of reaching the other side.
 */
export const passThroughMediaAnchor: MediaAnchor = {
  offer: async (_leg, sdp) => {
    validateSdp(sdp);
    return sdp;
  },
  answer: async (_leg, sdp) => {
    validateSdp(sdp);
    return sdp;
  },
  delete: async () => undefined,
};
