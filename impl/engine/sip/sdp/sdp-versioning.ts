import type { MediaAnchor } from "../../media-anchor.ts";

/**
 * RFC 3264 §8: "When issuing an offer that modifies the session, the "o=" line of the new SDP MUST
 * be identical to that in the previous SDP, except that the version in the origin field MUST
 * increment by one from the previous SDP. If the version in the origin line does not increment,
 * the SDP MUST be identical to the SDP with that version number." Far ends (the gateway itself
 * included) take an unchanged version for an unchanged session, e.g. a session refresh.
 *
 * The device's SDP reaches the network through the media anchor; when it passes through unchanged
 * (no rtpengine), a hold or resume built from the device's last SDP, or a browser offer keeping its
 * version, would break that rule. This decorator keeps, per SIP dialog, the "o=" line of the last
 * SDP sent to the network and rewrites the next one's: the same line when the rest is identical,
 * otherwise that line with its version plus one.
 */
export function withSdpVersioning(anchor: MediaAnchor): MediaAnchor & {
  /** A dialog carried on by a new process (restart recovery): the SDP it last sent to the network. */
  remember(callId: string, sdp: string): void;
} {
  const sent = new Map<string, { origin: string; rest: string }>();
  const towardNetwork = (callId: string, sdp: string): string => {
    const next = splitOrigin(sdp);
    if (!next) return sdp; // not an SDP with an origin line: the anchor or the far end refuses it
    const last = sent.get(callId);
    const origin = !last ? next.origin : last.rest === next.rest ? last.origin : bumped(last.origin);
    sent.set(callId, { origin, rest: next.rest });
    return origin === next.origin ? sdp : sdp.replace(next.origin, origin);
  };
  return {
    async offer(leg, sdp) {
      const out = await anchor.offer(leg, sdp);
      return leg.from === "device" ? towardNetwork(leg.callId, out) : out;
    },
    async answer(leg, sdp) {
      const out = await anchor.answer(leg, sdp);
      return leg.from === "device" ? towardNetwork(leg.callId, out) : out;
    },
    async delete(callId) {
      sent.delete(callId);
      await anchor.delete(callId);
    },
    // Nothing of an ICE restart reaches the network: no origin line to keep.
    ...(anchor.restartDevice ? { restartDevice: anchor.restartDevice.bind(anchor) } : {}),
    remember(callId, sdp) {
      const last = splitOrigin(sdp);
      if (last) sent.set(callId, last);
    },
  };
}

const ORIGIN = /^o=(\S+) (\S+) (\d+) (.*)$/m;

/** The "o=" line and the rest of the SDP without it; undefined when there is no valid origin line. */
export function splitOrigin(sdp: string): { origin: string; rest: string } | undefined {
  const match = ORIGIN.exec(sdp);
  if (!match) return undefined;
  const origin = match[0].replace(/\r$/, "");
  return { origin, rest: sdp.replace(origin, "").replace(/\r\n/g, "\n") };
}

/** The origin line with its sess-version plus one (a decimal of any length, RFC 4566 §5.2). */
function bumped(origin: string): string {
  const match = ORIGIN.exec(origin);
  if (!match) return origin;
  const [, user, id, version, tail] = match;
  return `o=${user} ${id} ${(BigInt(version ?? "0") + 1n).toString()} ${tail}`;
}
