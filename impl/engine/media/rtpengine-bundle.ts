import { EngineError } from "../engine-error.ts";
import type { MediaAnchor, MediaLeg } from "../media-anchor.ts";

/** What the API client is told when an offer needs BUNDLE and the anchor is rtpengine. */
export const UNBUNDLABLE_MESSAGE =
  'The offer carries its media on one bundled transport (RTCPeerConnection bundlePolicy "max-bundle"), ' +
  "which the gateway's media anchor (rtpengine 10.5) cannot terminate; offer with bundlePolicy " +
  '"balanced", or use a gateway whose media anchor is Janus (MEDIA_ANCHOR=janus).';

interface Section {
  readonly mid: string | undefined;
  readonly port: number;
  readonly candidates: number;
  readonly bundleOnly: boolean;
}

function sections(sdp: string): { group: string[]; media: Section[] } {
  const group: string[] = [];
  const media: Section[] = [];
  let current: { mid?: string; port: number; candidates: number; bundleOnly: boolean } | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith("m=")) {
      if (current) media.push({ ...current, mid: current.mid });
      current = { port: Number(line.split(" ")[1]), candidates: 0, bundleOnly: false };
    } else if (!current && line.startsWith("a=group:BUNDLE"))
      group.push(...line.slice(14).trim().split(/\s+/));
    else if (current && line.startsWith("a=mid:")) current.mid = line.slice(6).trim();
    else if (current && line.startsWith("a=candidate:")) current.candidates += 1;
    else if (current && line === "a=bundle-only") current.bundleOnly = true;
  }
  if (current) media.push({ ...current, mid: current.mid });
  return { group, media };
}

/**
 * Whether an offer can only be answered bundled (RFC 9143 §7.3, RFC 9429 §4.1.1 "max-bundle"): an
 * m-line of its BUNDLE group has no transport of its own, either `a=bundle-only` with port 0 or no
 * ICE candidate while another m-line of the group has them (Chromium's max-bundle offers).
 */
export function needsBundle(sdp: string): boolean {
  const { group, media } = sections(sdp);
  const grouped = media.filter((m) => m.mid !== undefined && group.includes(m.mid));
  if (grouped.length < 2) return false;
  if (grouped.some((m) => m.bundleOnly && m.port === 0)) return true;
  return grouped.some((m) => m.candidates > 0) && grouped.some((m) => m.candidates === 0);
}

/**
 * A single m-line SDP for the browser with `a=group:BUNDLE <mid>` added when it has none: one
 * m-line's own transport is its bundle transport, and a max-bundle page refuses an offer or answer
 * without the group ("max-bundle configured but session description has no BUNDLE group").
 */
export function bundleSingleSection(sdp: string): string {
  const { group, media } = sections(sdp);
  const only = media.length === 1 ? media[0] : undefined;
  if (group.length > 0 || !only?.mid || only.port === 0) return sdp;
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(/\r?\n/);
  const at = lines.findIndex((l) => l.startsWith("m="));
  lines.splice(at, 0, `a=group:BUNDLE ${only.mid}`);
  return lines.join(eol);
}

/**
 * rtpengine 10.5 (Debian) answers and offers unbundled: each m-line keeps its own port and
 * ICE/DTLS transport. Wrapped around its anchor: an offer that needs BUNDLE is refused
 * (EngineError invalid_sdp: 400 INVALID_ARGUMENT naming the limitation to the API client, 488 to the
 * network) instead of becoming a call the browser cannot set up; a single m-line towards the browser
 * is declared bundled, so audio calls of max-bundle pages work.
 */
export function refuseUnbundlable(
  anchor: MediaAnchor,
): Pick<MediaAnchor, "offer" | "answer" | "restartDevice"> {
  const refuse = (from: string) =>
    new EngineError(
      "invalid_sdp",
      `media anchor offer: the ${from} offer needs BUNDLE, which rtpengine 10.5 lacks`,
      {
        clientMessage: UNBUNDLABLE_MESSAGE,
      },
    );
  const restart = anchor.restartDevice?.bind(anchor);
  return {
    async offer(leg, sdp) {
      if (needsBundle(sdp)) throw refuse(leg.from);
      const out = await anchor.offer(leg, sdp);
      return leg.from === "network" ? bundleSingleSection(out) : out;
    },
    async answer(leg, sdp) {
      const out = await anchor.answer(leg, sdp);
      return leg.from === "network" ? bundleSingleSection(out) : out;
    },
    ...(restart
      ? {
          restartDevice: async (leg: MediaLeg, offerSdp: string, networkSdp: string) => {
            if (needsBundle(offerSdp)) throw refuse("device");
            return bundleSingleSection(await restart(leg, offerSdp, networkSdp));
          },
        }
      : {}),
  };
}
