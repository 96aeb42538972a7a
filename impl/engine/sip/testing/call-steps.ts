import assert from "node:assert/strict";
import type { DomainEvent } from "../../../services/event-publisher.ts";
import { ALICE, type SipLabGateway, sid } from "./sip-lab-gateway.ts";

const CALLS = "/webrtc-call-handling/v0.3/sessions";

/** A device SDP (what a WebRTC client would send, simplified to plain RTP for the lab). */
export function deviceSdp(port: number, direction = "sendrecv", version = 1): string {
  return `v=0\r\no=- 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=${direction}\r\n`;
}

export const statusOf = (e: DomainEvent) => (e.data as { status?: string }).status;
export const reasonOf = (e: DomainEvent) => String((e.data as { reason?: string }).reason);
export const sdpOf = (e: DomainEvent, field: "offer" | "answer") =>
  (e.data as { offer?: { sdp: string }; answer?: { sdp: string } })[field]?.sdp ?? "";

/** POST /sessions (origination); returns the mediaSessionId of the 201. */
export async function originate(
  gw: SipLabGateway,
  registrationId: string,
  receiver: string,
  offer: string | undefined,
): Promise<string> {
  const res = await gw.request("POST", CALLS, {
    headers: { registrationId },
    body: { receiverAddress: `tel:${receiver}`, ...(offer ? { offer: { sdp: offer } } : {}) },
  });
  const body = (await res.json()) as { mediaSessionId: string; status: string };
  assert.equal(res.status, 201, JSON.stringify(body));
  assert.equal(body.status, "Initial");
  return body.mediaSessionId;
}

/** PUT /sessions/{id}/status, expecting 200; returns the representation. */
export async function putStatus(
  gw: SipLabGateway,
  id: string,
  body: { status: string; offer?: { sdp: string }; answer?: { sdp: string } },
  phone = ALICE,
): Promise<{ status: string; offer?: { sdp: string }; answer?: { sdp: string } }> {
  const res = await gw.request("PUT", `${CALLS}/${id}/status`, { phone, body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as { status: string };
}

/** GET /sessions/{id}. */
export async function getSession(
  gw: SipLabGateway,
  id: string,
  phone = ALICE,
): Promise<{ status: string; offer?: { sdp: string }; answer?: { sdp: string } }> {
  const res = await gw.request("GET", `${CALLS}/${id}`, { phone });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: string };
}

/** DELETE /sessions/{id}, expecting 204. */
export async function hangUp(gw: SipLabGateway, id: string, phone = ALICE): Promise<void> {
  assert.equal((await gw.request("DELETE", `${CALLS}/${id}`, { phone })).status, 204);
}

/**
 * The first session-status event of a session with this status, a matching reason and matching
 * SDPs, among the events published from index `from` on (`gw.events.length` taken before the step
 * that causes it). The SDP patterns tell a network event from the representation a PUT published,
 * which carries the previous reason.
 */
export function statusEvent(
  gw: SipLabGateway,
  id: string,
  from: number,
  status: string,
  reason: RegExp,
  sdp: { readonly offer?: RegExp; readonly answer?: RegExp } = {},
  timeoutMs?: number,
): Promise<DomainEvent> {
  return gw.waitForEvent(
    (e) =>
      gw.events.indexOf(e) >= from &&
      e.type.endsWith("session-status") &&
      sid(e) === id &&
      statusOf(e) === status &&
      reason.test(reasonOf(e)) &&
      (!sdp.offer || sdp.offer.test(sdpOf(e, "offer"))) &&
      (!sdp.answer || sdp.answer.test(sdpOf(e, "answer"))),
    timeoutMs,
  );
}
