import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeviceLocation, OriginateRequest } from "../../engine.ts";
import { bodyParts } from "../multipart-body.ts";
import { OutgoingRequestMessage } from "../sip-core.ts";
import { outgoingInvite } from "./outgoing-invite.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
const NOW = new Date("2026-12-05T10:00:00Z");
const CIRCLE: DeviceLocation = { shape: "Circle", latitude: 40.4165, longitude: -3.70256, radiusM: 850.24 };

const origination = (more: Partial<OriginateRequest> = {}): OriginateRequest => ({
  mediaSessionId: "m-1",
  registrationId: "r-1",
  originatorAddress: "tel:+34600000001",
  receiverAddress: "tel:+34600000002",
  originatorName: "Alice",
  offerSdp: SDP,
  correlator: "c-1",
  ...more,
});

/** The INVITE as sip.js writes it on the wire, and its header values by name. */
function wire(request: OriginateRequest) {
  const sdp = request.offerSdp;
  const invite = outgoingInvite(request, sdp, "lab.test", NOW);
  const message = new OutgoingRequestMessage(
    "INVITE",
    invite.target,
    invite.from,
    invite.target,
    {
      callId: "call-1",
      fromTag: "tag1",
      ...(invite.fromDisplayName ? { fromDisplayName: invite.fromDisplayName } : {}),
    },
    [...invite.headers],
    invite.body,
  );
  const text = message.toString();
  const [head = "", body = ""] = text.split(/\r\n\r\n([\s\S]*)/);
  const header = (name: string) =>
    head
      .split("\r\n")
      .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      .map((line) => line.slice(name.length + 1).trim());
  return { text, head, body, header };
}

describe("outgoingInvite: the INVITE of a regular, emergency or anonymous call", () => {
  it("calls the receiver from the caller, asserting it with Privacy: none (a regular call)", () => {
    const { head, header, body } = wire(origination());
    assert.match(head, /^INVITE sip:\+34600000002@lab\.test;user=phone SIP\/2\.0\r\n/);
    assert.deepEqual(header("From"), ['"Alice" <sip:+34600000001@lab.test;user=phone>;tag=tag1']);
    assert.deepEqual(header("P-Asserted-Identity"), ['"Alice" <sip:+34600000001@lab.test;user=phone>']);
    assert.deepEqual(header("Privacy"), ["none"]);
    assert.deepEqual(header("Content-Type"), ["application/sdp"]);
    assert.deepEqual(header("Geolocation"), []);
    assert.equal(body, SDP);
  });

  it("sends an emergency call to urn:service:sos (RFC 5031) in the Request-URI and To", () => {
    const { head, header } = wire(origination({ emergency: { location: undefined } }));
    assert.match(head, /^INVITE urn:service:sos SIP\/2\.0\r\n/);
    assert.deepEqual(header("To"), ["<urn:service:sos>"]);
  });

  it("sends an emergency call without a location with no Geolocation header and the plain SDP body", () => {
    const { header, body } = wire(origination({ emergency: { location: undefined } }));
    assert.deepEqual(header("Geolocation"), []);
    assert.deepEqual(header("Geolocation-Routing"), []);
    assert.deepEqual(header("Content-Type"), ["application/sdp"]);
    assert.equal(body, SDP);
  });

  it("sends a location by value (RFC 6442): Geolocation names the PIDF-LO part's Content-ID, Geolocation-Routing: yes, multipart/mixed with the SDP", () => {
    const { header, body } = wire(origination({ emergency: { location: CIRCLE } }));
    assert.deepEqual(header("Geolocation-Routing"), ["yes"]);
    const [geolocation] = header("Geolocation");
    const cid = /^<cid:([^>]+@lab\.test)>$/.exec(geolocation ?? "")?.[1];
    assert.ok(cid, `Geolocation: ${geolocation}`);
    const [type = ""] = header("Content-Type");
    assert.match(type, /^multipart\/mixed;boundary=/);
    assert.equal(Number(header("Content-Length")[0]), Buffer.byteLength(body));
    const parts = bodyParts(type, body);
    assert.equal(parts?.length, 2);
    assert.equal(parts?.[0]?.contentType, "application/sdp");
    assert.equal(parts?.[0]?.content, SDP);
    assert.equal(parts?.[1]?.contentType, "application/pidf+xml");
    assert.deepEqual(parts?.[1]?.headers, [
      `Content-ID: <${cid}>`,
      "Content-Disposition: by-reference;handling=optional",
    ]);
    assert.match(parts?.[1]?.content ?? "", /<gml:pos>40\.4165 -3\.70256<\/gml:pos>/);
    assert.match(parts?.[1]?.content ?? "", /entity="pres:\+34600000001@lab\.test"/);
  });

  it("sends the PIDF-LO alone in the multipart body of an offerless emergency INVITE", () => {
    const { header, body } = wire(origination({ offerSdp: undefined, emergency: { location: CIRCLE } }));
    const parts = bodyParts(header("Content-Type")[0] ?? "", body);
    assert.deepEqual(
      parts?.map((p) => p.contentType),
      ["application/pidf+xml"],
    );
  });

  it("hides an anonymous caller (RFC 3323 §4.1.1.3): From Anonymous, Privacy: id, the real identity only in P-Asserted-Identity (RFC 3325)", () => {
    const { header, text } = wire(origination({ anonymous: true }));
    assert.deepEqual(header("From"), ['"Anonymous" <sip:anonymous@anonymous.invalid>;tag=tag1']);
    assert.deepEqual(header("Privacy"), ["id"]);
    assert.deepEqual(header("P-Asserted-Identity"), ['"Alice" <sip:+34600000001@lab.test;user=phone>']);
    assert.equal(text.split("+34600000001").length - 1, 1, "the number appears once, in the PAI");
  });

  it("places an anonymous emergency call with an anonymous presentity in the PIDF-LO", () => {
    const { header, body } = wire(origination({ anonymous: true, emergency: { location: CIRCLE } }));
    assert.deepEqual(header("Privacy"), ["id"]);
    assert.match(body, /entity="pres:anonymous@anonymous\.invalid"/);
    assert.doesNotMatch(body, /34600000001/);
  });
});
