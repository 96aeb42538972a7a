import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deviceSdp, getSession, hangUp, originate, putStatus, statusEvent } from "./testing/call-steps.ts";
import { ALICE, type SipLabGateway, startSipLabGateway } from "./testing/sip-lab-gateway.ts";
import { sippCallee, sippPassed } from "./testing/sipp-callee.ts";

describe("UPDATE in an early dialog (RFC 3311) through Kamailio (TCP)", () => {
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
