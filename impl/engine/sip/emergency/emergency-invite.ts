import { randomBytes } from "node:crypto";
import type { DeviceLocation } from "../../engine.ts";
import { multipartMixed } from "../multipart-body.ts";
import type { Body } from "../sip-core.ts";
import { pidfLo } from "./pidf-lo.ts";

/** What an emergency INVITE adds to a call's INVITE: RFC 6442 headers and its body. */
export interface EmergencyInvite {
  readonly headers: readonly string[];
  /** The SDP offer alone, the offer and the PIDF-LO as multipart/mixed, or the PIDF-LO alone in one. */
  readonly body: Body | undefined;
}

/**
 * The RFC 6442 parts of an emergency INVITE. With a location: §4.1 `Geolocation: <cid:…>` naming
 * the PIDF-LO body part by its Content-ID (RFC 2392), and §4.2 `Geolocation-Routing: yes` ("the
 * location information ... can be used ... for routing"), the PIDF-LO beside the SDP offer in a
 * multipart/mixed body (RFC 5621 §4). Its part is `by-reference` (RFC 5621 §9.2: the body is
 * referenced from a header field) and `handling=optional`, so that a UAS that cannot read it
 * still takes the call. Without a location: no Geolocation header and the plain SDP body.
 */
export function emergencyInvite(
  location: DeviceLocation | undefined,
  offerSdp: string | undefined,
  options: { readonly entity: string; readonly domain: string; readonly now: Date },
): EmergencyInvite {
  const sdp = offerSdp !== undefined ? { contentType: "application/sdp", content: offerSdp } : undefined;
  if (!location) return { headers: [], body: sdp ? { ...sdp, contentDisposition: "session" } : undefined };
  const cid = `${randomBytes(9).toString("hex")}@${options.domain}`;
  const multipart = multipartMixed([
    ...(sdp ? [sdp] : []),
    {
      contentType: "application/pidf+xml",
      headers: [`Content-ID: <${cid}>`, "Content-Disposition: by-reference;handling=optional"],
      content: pidfLo(location, { entity: options.entity, now: options.now }),
    },
  ]);
  return {
    headers: [`Geolocation: <cid:${cid}>`, "Geolocation-Routing: yes"],
    body: { ...multipart, contentDisposition: "render" },
  };
}
