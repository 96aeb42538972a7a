import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  deviceSdp,
  getSession,
  hangUp,
  originate,
  putStatus,
  sdpOf,
  statusEvent,
} from "../testing/call-steps.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";

describe("offerless INVITEs and 100rel (RFC 3261 §13.2.1, RFC 3262 §5) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("originates without an offer, surfaces the offer of a reliable 183, and sends the device's answer in the PRACK", async () => {
    const number = "+34911000430";
    const sipp = await sippCallee(gw, number, "uas-offerless-prack.xml");
    const id = await originate(gw, registrationId, number, undefined);
    await statusEvent(gw, id, 0, "InProgress", /^183 /, { offer: /m=audio 49170 / });
    const put = await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } });
    assert.equal(put.status, "InProgress");
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    const got = await getSession(gw, id);
    assert.match(got.offer?.sdp ?? "", /m=audio 49170 /);
    assert.match(got.answer?.sdp ?? "", /m=audio 40000 /);
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "InProgress", "Ringing", "Connected", "Terminated"]);
  });

  it("originates without an offer, surfaces the offer of the 200, and sends the device's answer in the ACK", async () => {
    const number = "+34911000431";
    const sipp = await sippCallee(gw, number, "uas-offerless-ack.xml");
    const id = await originate(gw, registrationId, number, undefined);
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/, { offer: /m=audio 49170 / });
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } });
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "Connected", "Connected", "Terminated"]);
  });

  it("acknowledges the 200's offer with every stream rejected, then sends BYE, when the device ends the call before answering", async () => {
    const number = "+34911000432";
    const sipp = await sippCallee(gw, number, "uas-offerless-ack-rejected.xml");
    const id = await originate(gw, registrationId, number, undefined);
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/, { offer: /m=audio 49170 / });
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "Connected", "Terminated"]);
  });

  it("announces an offerless INVITE with offerRequired, sends the device's offer in a reliable 183 and surfaces the answer of the PRACK", async () => {
    const { sipp, id, invitation } = await sippCaller(gw, BOB, "uac-offerless-prack.xml");
    const data = invitation.data as { offerRequired?: boolean; offer?: unknown };
    assert.equal(data.offerRequired, true);
    assert.equal(data.offer, undefined);
    const from = gw.events.length;
    await putStatus(gw, id, { status: "InProgress", offer: { sdp: deviceSdp(40000) } }, BOB);
    const answered = await statusEvent(gw, id, from, "InProgress", /^Answer in PRACK$/);
    assert.match(sdpOf(answered, "answer"), /m=audio 49170 /);
    await putStatus(gw, id, { status: "Ringing" }, BOB);
    await putStatus(gw, id, { status: "Connected" }, BOB);
    await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "InProgress", "Ringing", "Connected", "Terminated"]);
  });

  it("answers an offerless INVITE without 100rel with the device's offer in the 200 and surfaces the answer of the ACK", async () => {
    const { sipp, id } = await sippCaller(gw, BOB, "uac-offerless-ack.xml");
    const from = gw.events.length;
    await putStatus(gw, id, { status: "Connected", offer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, from, "Connected", /^Answer in ACK$/, { answer: /m=audio 49170 / });
    await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Connected", "Connected", "Terminated"]);
  });
});
