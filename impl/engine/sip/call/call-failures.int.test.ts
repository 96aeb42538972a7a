import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ALICE, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippPassed } from "../testing/sipp-callee.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
const status = (e: { data: unknown }) => (e.data as { status?: string }).status;

describe("outgoing call failures and CANCEL through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  let n = 0;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  async function call(number: string): Promise<string> {
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId },
      body: { receiverAddress: `tel:${number}`, offer: { sdp: SDP } },
    });
    const body = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201, JSON.stringify(body));
    return body.mediaSessionId;
  }

  // RFC 3261 §16.7: a proxy turns a 503 from downstream into 500, so the gateway sees 500 for it.
  const table: Array<[number, string, number]> = [
    [486, "Busy", 486],
    [408, "NoAnswer", 408],
    [503, "Failed", 500],
    [480, "NotReachable", 480],
    [603, "Declined", 603],
  ];
  for (const [code, want, seen] of table) {
    it(`maps a ${code} from the callee to ${want} after Ringing`, async () => {
      const number = `+3491100010${n++}`;
      const sipp = await sippCallee(gw, number, "uas-reject.xml", { code });
      const id = await call(number);
      const ended = await gw.waitForEvent((e) => sid(e) === id && status(e) === want);
      assert.match(String((ended.data as { reason?: string }).reason), new RegExp(`^${seen} `));
      await sippPassed(sipp);
      assert.deepEqual(gw.statuses(id), ["Ringing", want]);
    });
  }

  it("maps a number nobody serves (404 from the proxy) to NotReachable", async () => {
    const id = await call("+34999999999");
    await gw.waitForEvent((e) => sid(e) === id && status(e) === "NotReachable");
    assert.deepEqual(gw.statuses(id), ["NotReachable"]);
  });

  it("sends CANCEL with a Reason when the originator deletes a ringing call (SessionCancelled)", async () => {
    const number = "+34911000200";
    const sipp = await sippCallee(gw, number, "uas-cancel.xml");
    const id = await call(number);
    await gw.waitForEvent((e) => sid(e) === id && status(e) === "Ringing");
    assert.equal((await gw.request("DELETE", `/webrtc-call-handling/v0.3/sessions/${id}`)).status, 204);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "SessionCancelled"]);
  });

  it("acknowledges a 200 that crossed its CANCEL and ends that call with BYE", async () => {
    const number = "+34911000201";
    const sipp = await sippCallee(gw, number, "uas-cancel-crossing-200.xml");
    const id = await call(number);
    await gw.waitForEvent((e) => sid(e) === id && status(e) === "Ringing");
    assert.equal((await gw.request("DELETE", `/webrtc-call-handling/v0.3/sessions/${id}`)).status, 204);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "SessionCancelled"]);
  });
});

describe("the gateway's no-answer timer (SIP_INVITE_TIMEOUT_MS) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp", inviteTimeoutMs: 1500 });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("cancels an INVITE that only rings (Reason Q.850 cause 19) and ends the session NoAnswer", async () => {
    const number = "+34911000210";
    const sipp = await sippCallee(gw, number, "uas-no-answer.xml");
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId },
      body: { receiverAddress: `tel:${number}`, offer: { sdp: SDP } },
    });
    const { mediaSessionId: id } = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201);
    const ended = await gw.waitForEvent((e) => sid(e) === id && status(e) === "NoAnswer");
    assert.match(String((ended.data as { reason?: string }).reason), /^No final response within 1500 ms/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "NoAnswer"]);
  });

  it("gives up on a callee that sends nothing at all (the proxy's 100 Trying stops Timer B) with NoAnswer", async () => {
    const number = "+34911000211";
    const sipp = await sippCallee(gw, number, "uas-silent.xml");
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId },
      body: { receiverAddress: `tel:${number}`, offer: { sdp: SDP } },
    });
    const { mediaSessionId: id } = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201);
    await gw.waitForEvent((e) => sid(e) === id && status(e) === "NoAnswer");
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["NoAnswer"]);
  });
});
