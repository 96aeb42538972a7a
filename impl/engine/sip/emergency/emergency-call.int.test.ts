/**
 * Emergency calls on the wire: the SIP engine → the lab's Kamailio (urn:service:sos routed to the
 * PSAP peer) → a SIPp PSAP that checks RFC 6442 (Geolocation, Geolocation-Routing, the PIDF-LO body
 * with the exact coordinates and uncertainty sent) and answers. The engine is driven directly: the
 * CAMARA r3.1 request (callType EMERGENCY, locationDetails) reaches it as an OriginateRequest.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { type Lab, startLab } from "../../../../scripts/lab/lab.ts";
import { runSipp, type SippRun } from "../../../../scripts/lab/sipp.ts";
import type { DeviceLocation, Engine, OriginateRequest, SessionEvent } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { startSipEngine } from "../sip-engine.ts";
import { recordingLogger } from "../testing/recording-logger.ts";
import { ALICE, BOB } from "../testing/sip-lab-gateway.ts";
import { sippPassed } from "../testing/sipp-callee.ts";

const SECRET = "alice-secret";
const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));
const OFFER =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
const CIRCLE: DeviceLocation = {
  shape: "Circle",
  latitude: 40.4165002,
  longitude: -3.7025601,
  radiusM: 850.24,
  method: "GPS",
  confidence: { pdf: "normal", percent: 95 },
};
const ELLIPSOID: DeviceLocation = {
  shape: "Ellipsoid",
  latitude: 42.5463,
  longitude: -73.2512,
  altitudeM: 26.3,
  semiMajorAxisM: 7.7156,
  semiMinorAxisM: 3.31,
  verticalAxisM: 28.7,
  orientationDeg: 90,
  method: "GPS",
};
/** Between the elements of a shape: the writer's line breaks and indentation. */
const GAP = "[[:space:]]*";
const esc = (value: string) => value.replace(/[.+*?()[\]{}|\\^$]/g, "\\$&");

/** The POSIX regular expression the PSAP matches against the PIDF-LO: the values exactly as sent. */
function shapePattern(text: {
  pos: string;
  circle?: string;
  ellipsoid?: [string, string, string, string];
}): string {
  if (text.circle !== undefined)
    return [
      '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">',
      `<gml:pos>${esc(text.pos)}</gml:pos>`,
      `<gs:radius uom="urn:ogc:def:uom:EPSG::9001">${esc(text.circle)}</gs:radius>`,
      "</gs:Circle>",
    ].join(GAP);
  const [major, minor, vertical, orientation] = text.ellipsoid ?? [];
  return [
    '<gs:Ellipsoid srsName="urn:ogc:def:crs:EPSG::4979">',
    `<gml:pos>${esc(text.pos)}</gml:pos>`,
    `<gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">${esc(major ?? "")}</gs:semiMajorAxis>`,
    `<gs:semiMinorAxis uom="urn:ogc:def:uom:EPSG::9001">${esc(minor ?? "")}</gs:semiMinorAxis>`,
    `<gs:verticalAxis uom="urn:ogc:def:uom:EPSG::9001">${esc(vertical ?? "")}</gs:verticalAxis>`,
    `<gs:orientation uom="urn:ogc:def:uom:EPSG::9102">${esc(orientation ?? "")}</gs:orientation>`,
    "</gs:Ellipsoid>",
  ].join(GAP);
}

/** A scenario template value inside an XML attribute. */
const attr = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

describe("emergency calls through Kamailio to a SIPp PSAP (RFC 5031, RFC 6442)", () => {
  let lab: Lab;
  let engine: Engine;
  let registrationId: string;
  const events: SessionEvent[] = [];
  const logs: string[] = [];

  before(async () => {
    lab = await startLab({
      credentials: new Map([[ALICE, SECRET]]),
      ...(process.env.SIP_TEST_LOG ? { log: (line: string) => console.error(`[kamailio] ${line}`) } : {}),
    });
    const started = await startSipEngine({
      transport: "tcp",
      localHost: "127.0.0.1",
      localPort: 0,
      outboundProxy: { host: "127.0.0.1", port: lab.sipPort },
      domain: lab.domain,
      registrationMode: "per-number",
      credentials: (phone) => (phone === ALICE ? { username: ALICE, password: SECRET } : undefined),
      logger: recordingLogger(({ level, message }) => {
        logs.push(`${level} ${message}`);
        if (process.env.SIP_TEST_LOG || level === "error") console.error(`[sip ${level}] ${message}`);
      }),
    });
    engine = started.factory({
      sessionChanged: async (event) => void events.push(event),
      incomingCall: async () => undefined,
      registrationEnded: async () => undefined,
    });
    registrationId = randomUUID();
    await engine.registrations.register({
      registrationId,
      phoneNumber: ALICE,
      deviceId: randomUUID(),
      expiresAt: new Date(Date.now() + 600_000),
      correlator: "emergency-test",
    });
  });
  after(async () => {
    await engine?.close();
    await lab?.stop();
  });

  async function peer(
    name: string,
    file: string,
    template: Record<string, string>,
    timeoutMs = 20_000,
  ): Promise<SippRun> {
    const port = await freePort();
    await lab.setPeer(name, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: scenario(file),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      template,
      timeoutMs,
    });
    await sipp.ready;
    return sipp;
  }

  const request = (more: Partial<OriginateRequest>): OriginateRequest => ({
    mediaSessionId: randomUUID(),
    registrationId,
    originatorAddress: `tel:${ALICE}`,
    receiverAddress: "tel:112",
    originatorName: undefined,
    offerSdp: OFFER,
    correlator: randomUUID(),
    ...more,
  });

  async function status(id: string, wanted: SessionEvent["status"], sipp: SippRun): Promise<SessionEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = events.find((e) => e.mediaSessionId === id && e.status === wanted);
      if (found) return found;
      if (Date.now() > deadline) {
        sipp.stop();
        const r = await sipp.done;
        throw new Error(
          `no ${wanted} for ${id}: ${JSON.stringify(events.filter((e) => e.mediaSessionId === id).map((e) => [e.status, e.reason]))}\n${logs.slice(-20).join("\n")}\n${r.errors}\n${r.messages.slice(-6000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const PAI = attr(`sip:${esc(ALICE)}@`);
  const cases: Array<[string, DeviceLocation, string]> = [
    ["a circle", CIRCLE, shapePattern({ pos: "40.4165002 -3.7025601", circle: "850.24" })],
    [
      "an ellipsoid",
      ELLIPSOID,
      shapePattern({ pos: "42.5463 -73.2512 26.3", ellipsoid: ["7.7156", "3.31", "28.7", "90"] }),
    ],
  ];
  for (const [name, location, pattern] of cases)
    it(`tells the PSAP ${name} exactly as given, is answered (multipart 200), holds and hangs up as a regular call`, async () => {
      const psap = await peer("sos", "uas-psap.xml", { location: attr(pattern), pai: PAI });
      const call = request({ emergency: { location } });
      await engine.calls.originate(call);
      const connected = await status(call.mediaSessionId, "Connected", psap);
      assert.match(
        connected.answerSdp ?? "",
        /^v=0\r\no=psap .*m=audio 49170 RTP\/AVP 0/s,
        "the SDP part of the multipart 200",
      );
      assert.doesNotMatch(connected.answerSdp ?? "", /psap-boundary|PSAP lab/);
      await engine.calls.update({
        mediaSessionId: call.mediaSessionId,
        status: "Hold",
        offerSdp: undefined,
        answerSdp: undefined,
        correlator: call.correlator,
      });
      await status(call.mediaSessionId, "Hold", psap);
      await engine.calls.terminate({ mediaSessionId: call.mediaSessionId, correlator: call.correlator });
      await sippPassed(psap);
    });

  it("fails the PSAP's check when the PIDF-LO does not carry the value it expects (a wrong radius is caught)", async () => {
    const wrong = shapePattern({ pos: "40.4165002 -3.7025601", circle: "850.25" });
    // SIPp fails the call at the INVITE and, as a UAS, then waits out its run: 4 s are enough.
    const psap = await peer("sos", "uas-psap.xml", { location: attr(wrong), pai: PAI }, 4000);
    const call = request({ emergency: { location: CIRCLE } });
    await engine.calls.originate(call);
    const result = await psap.done;
    assert.notEqual(result.code, 0, "SIPp must fail the call");
    assert.match(
      result.errors,
      /Failed regexp match: .*850\.24<\/gs:radius>.*with regexp '.*850\\\.25<\/gs:radius>/s,
    );
    await engine.calls.terminate({ mediaSessionId: call.mediaSessionId, correlator: call.correlator });
  });

  it("sends an emergency call without a location to urn:service:sos with no Geolocation and a plain SDP body", async () => {
    const psap = await peer("sos", "uas-psap-no-location.xml", {});
    const call = request({ emergency: { location: undefined } });
    await engine.calls.originate(call);
    await status(call.mediaSessionId, "Connected", psap);
    await engine.calls.terminate({ mediaSessionId: call.mediaSessionId, correlator: call.correlator });
    await sippPassed(psap);
  });

  it("calls anonymously (RFC 3323/3325): From Anonymous and Privacy: id to the callee, the caller asserted and authenticated", async () => {
    const callee = await peer(BOB, "uas-anonymous.xml", { pai: PAI });
    const call = request({ receiverAddress: `tel:${BOB}`, anonymous: true });
    await engine.calls.originate(call);
    await status(call.mediaSessionId, "Connected", callee);
    await engine.calls.terminate({ mediaSessionId: call.mediaSessionId, correlator: call.correlator });
    await sippPassed(callee);
  });
});

describe("emergency calls off (EMERGENCY_CALLS=off)", () => {
  let lab: Lab;
  let engine: Engine;
  before(async () => {
    lab = await startLab({ credentials: new Map([[ALICE, SECRET]]) });
    const started = await startSipEngine({
      transport: "tcp",
      localHost: "127.0.0.1",
      localPort: 0,
      outboundProxy: { host: "127.0.0.1", port: lab.sipPort },
      domain: lab.domain,
      registrationMode: "trunk",
      credentials: () => undefined,
      emergencyCalls: false,
    });
    engine = started.factory({
      sessionChanged: async () => undefined,
      incomingCall: async () => undefined,
      registrationEnded: async () => undefined,
    });
  });
  after(async () => {
    await engine?.close();
    await lab?.stop();
  });

  it("says so to the services and refuses an emergency originate with not_supported, sending nothing", async () => {
    assert.equal(engine.emergencyCalls, false);
    const port = await freePort();
    await lab.setPeer("sos", `sip:127.0.0.1:${port};transport=tcp`);
    const psap = runSipp({
      scenario: scenario("uas-psap-no-location.xml"),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 20_000,
    });
    await psap.ready;
    await assert.rejects(
      engine.calls.originate({
        mediaSessionId: randomUUID(),
        registrationId: randomUUID(),
        originatorAddress: `tel:${ALICE}`,
        receiverAddress: "tel:112",
        originatorName: undefined,
        offerSdp: OFFER,
        correlator: randomUUID(),
        emergency: { location: CIRCLE },
      }),
      (e: unknown) => e instanceof EngineError && e.failure === "not_supported",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    psap.stop();
    const result = await psap.done;
    assert.doesNotMatch(result.messages, /INVITE urn:service:sos/, "no INVITE reached the PSAP");
  });
});
