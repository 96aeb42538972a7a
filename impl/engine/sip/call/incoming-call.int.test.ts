import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { BOB, rid, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippPassed } from "../testing/sipp-callee.ts";

const ANSWER =
  "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

describe("incoming call from a SIPp caller through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("announces the INVITE as session-invitation, answers 183 (reliable) / 180 / 200 on PUTs, and reports the remote BYE", async () => {
    const sipp = runSipp({
      scenario: "uac-call.xml",
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: BOB,
      timeoutMs: 30_000,
    });
    const invitation = await gw.waitForEvent((e) => e.type.endsWith("session-invitation"));
    const data = invitation.data as {
      mediaSessionId: string;
      originatorAddress: string;
      receiverAddress: string;
      offer?: { sdp: string };
    };
    assert.equal(rid(invitation), registrationId);
    assert.equal(data.originatorAddress, "tel:+34911000002");
    assert.equal(data.receiverAddress, `tel:${BOB}`);
    assert.match(data.offer?.sdp ?? "", /m=audio 49170/);
    const id = data.mediaSessionId;
    const put = async (body: unknown) => {
      const res = await gw.request("PUT", `/webrtc-call-handling/v0.3/sessions/${id}/status`, {
        phone: BOB,
        body,
      });
      assert.equal(res.status, 200, await res.text());
    };
    await put({ status: "InProgress", answer: { sdp: ANSWER } });
    await put({ status: "Ringing" });
    await put({ status: "Connected", answer: { sdp: ANSWER } });
    const bye = await gw.waitForEvent(
      (e) => sid(e) === id && (e.data as { status?: string }).status === "Terminated",
    );
    assert.match(String((bye.data as { reason?: string }).reason), /BYE \(Reason: Q\.850;cause=16/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
  });
});
