/**
 * One x-correlator end to end: the POST /sessions that creates a call, the SIP engine's INVITE log
 * line, the rtpengine anchor's offer (Debian's rtpengine on loopback) and the Ringing event the
 * network's 180 causes all carry it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { type Rtpengine, startRtpengine } from "../../../../scripts/lab/rtpengine.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { createNgClient, type NgClient } from "../../media/ng-client.ts";
import { createRtpengineAnchor } from "../../media/rtpengine-anchor.ts";
import { type LogRecord, recordingLogger } from "../testing/recording-logger.ts";
import { ALICE, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";

const CORRELATOR = "b7a1c6e2-correlator-end-to-end";
const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";

describe("the x-correlator of POST /sessions, end to end (SIPp callee, rtpengine)", {
  timeout: 120_000,
}, () => {
  let rtpengine: Rtpengine;
  let ng: NgClient;
  let gw: SipLabGateway;
  let registrationId: string;
  const media: LogRecord[] = [];
  before(async () => {
    rtpengine = await startRtpengine();
    ng = createNgClient({ host: rtpengine.ngHost, port: rtpengine.ngPort });
    const mediaAnchor = createRtpengineAnchor({ ng, logger: recordingLogger((r) => media.push(r)) });
    gw = await startSipLabGateway({ mediaAnchor });
    registrationId = await gw.register(ALICE);
  });
  after(async () => {
    await gw?.close();
    await ng?.close();
    await rtpengine?.stop();
  });

  it("is on the INVITE log line, the rtpengine offer and the Ringing event", async () => {
    const port = await freePort();
    await gw.lab.setPeer("+34911000001", `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: "uas-answer.xml",
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
    });
    await sipp.ready;
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId, "x-correlator": CORRELATOR },
      body: { receiverAddress: "tel:+34911000001", offer: { sdp: SDP } },
    });
    const created = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201, JSON.stringify(created));
    const id = created.mediaSessionId;
    const ringing = await gw.waitForEvent(
      (e) => sid(e) === id && (e.data as { status?: string }).status === "Ringing",
    );
    assert.equal((await gw.request("DELETE", `/webrtc-call-handling/v0.3/sessions/${id}`)).status, 204);
    await sipp.done;

    const invite = gw.records.find((r) => r.message.startsWith("INVITE sent"));
    assert.deepEqual(
      { correlator: invite?.bindings.correlator, mediaSessionId: invite?.bindings.mediaSessionId },
      { correlator: CORRELATOR, mediaSessionId: id },
    );
    assert.ok(invite?.bindings.callId, "the INVITE line names its Call-ID");
    const offer = media.find((r) => r.message.startsWith("rtpengine offer from the device"));
    assert.deepEqual(
      { correlator: offer?.bindings.correlator, mediaSessionId: offer?.bindings.mediaSessionId },
      { correlator: CORRELATOR, mediaSessionId: id },
    );
    assert.equal(offer?.bindings.callId, invite?.bindings.callId);
    assert.equal(ringing.correlator, CORRELATOR);
  });
});
