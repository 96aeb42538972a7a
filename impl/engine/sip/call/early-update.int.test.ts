import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deviceSdp, getSession, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("UPDATE in the early dialog of an outgoing call (RFC 3311) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("sends the device's new offer as UPDATE and surfaces the answer, answers the callee's UPDATE, and refuses a crossing UPDATE with 491", async () => {
    const number = "+34911000400";
    const sipp = await sippCallee(gw, number, "uas-early-update.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "InProgress", /^183 /, { answer: /m=audio 49170 / });

    let from = gw.events.length;
    await putStatus(gw, id, { status: "InProgress", offer: { sdp: deviceSdp(40002, "sendrecv", 2) } });
    await statusEvent(gw, id, from, "InProgress", /^200 OK \(UPDATE\)$/, { answer: /m=audio 49172 / });
    await statusEvent(gw, id, from, "InProgress", /^UPDATE from the network$/, {
      offer: /m=audio 49174 /,
      answer: /m=audio 40002 /,
    });

    from = gw.events.length;
    await putStatus(gw, id, { status: "InProgress", offer: { sdp: deviceSdp(40004, "sendrecv", 3) } });
    await statusEvent(gw, id, from, "InProgress", /^200 OK \(UPDATE\)$/, { answer: /m=audio 49176 / });
    await statusEvent(gw, id, from, "Connected", /^200 OK$/);
    const got = await getSession(gw, id);
    assert.equal(got.status, "Connected");
    assert.match(got.answer?.sdp ?? "", /m=audio 49176 /);

    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), [
      "InProgress", // 183 with the answer
      "InProgress", // PUT with the new offer
      "InProgress", // 200 to our UPDATE
      "InProgress", // the callee's UPDATE, answered
      "InProgress", // PUT with the next offer (the crossing UPDATE got 491: no event)
      "InProgress", // 200 to our UPDATE
      "Connected",
      "Terminated",
    ]);
  });
});

describe("UPDATE in the early dialog of an incoming call (RFC 3311) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("answers the caller's UPDATE after the reliable 183 and surfaces it, and sends the device's new offer as UPDATE before answering", async () => {
    const { sipp, id } = await sippCaller(gw, BOB, "uac-early-update.xml");
    let from = gw.events.length;
    await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } }, BOB);
    // The caller's UPDATE with a new offer: answered from the device's SDP, reported with both SDPs.
    await statusEvent(gw, id, from, "InProgress", /^UPDATE from the network$/, {
      offer: /m=audio 49172 /,
      answer: /m=audio 40000 /,
    });

    from = gw.events.length;
    await putStatus(gw, id, { status: "InProgress", offer: { sdp: deviceSdp(40002, "sendrecv", 2) } }, BOB);
    await statusEvent(gw, id, from, "InProgress", /^200 OK \(UPDATE\)$/, { answer: /m=audio 49174 / });
    assert.match((await getSession(gw, id, BOB)).answer?.sdp ?? "", /m=audio 49174 /);

    // A new offer travels alone (UPDATE, with the current status); with a status change it is refused
    // and nothing reaches the caller (its scenario takes 180 and 200 next, the 200 with 40002).
    const refused = await gw.request("PUT", `/webrtc-call-handling/v0.3/sessions/${id}/status`, {
      phone: BOB,
      body: { status: "Ringing", offer: { sdp: deviceSdp(40004, "sendrecv", 3) } },
    });
    assert.equal(refused.status, 409);
    assert.deepEqual(await refused.json(), {
      status: 409,
      code: "CONFLICT",
      message: "The session is not in a state that allows this change.",
    });

    await putStatus(gw, id, { status: "Ringing" }, BOB);
    await putStatus(gw, id, { status: "Connected" }, BOB);
    await statusEvent(gw, id, from, "Terminated", /^BYE \(Reason: Q\.850;cause=16/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), [
      "InProgress", // PUT with the answer → reliable 183
      "InProgress", // the caller's UPDATE, answered
      "InProgress", // PUT with the new offer → UPDATE
      "InProgress", // 200 to our UPDATE, with the caller's answer
      "Ringing",
      "Connected",
      "Terminated",
    ]);
  });
  it("refuses the caller's UPDATE offer with 500 and Retry-After while the INVITE's offer is still unanswered (RFC 3311 §5.2)", async () => {
    const { sipp, id } = await sippCaller(gw, BOB, "uac-early-update-owed.xml");
    const from = gw.events.length;
    await putStatus(gw, id, { status: "Ringing" }, BOB);
    // The device hears nothing of the refused UPDATE; the engine logs it, which is when to answer.
    await until("the UPDATE refused", () =>
      gw.logs.some((l) =>
        /UPDATE offer in .* refused 500: an answer to the network's offer is still owed/.test(l),
      ),
    );
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Ringing", "Connected", "Terminated"]);
  });
});
