import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deviceSdp, getSession, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippPassed } from "../testing/sipp-callee.ts";

describe("hold and resume by re-INVITE (RFC 3264 §8.4) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("holds (sendonly) and resumes (sendrecv) on PUT Hold/Resume, and reports the callee's own hold and resume", async () => {
    const number = "+34911000410";
    const sipp = await sippCallee(gw, number, "uas-hold.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);

    let from = gw.events.length;
    const held = await putStatus(gw, id, { status: "Hold" });
    assert.equal(held.status, "Hold");
    await statusEvent(gw, id, from, "Hold", /^200 OK \(re-INVITE\)$/, {
      answer: /o=remote 1 2 .*a=recvonly/s,
    });

    from = gw.events.length;
    assert.equal((await putStatus(gw, id, { status: "Resume" })).status, "Resume");
    await statusEvent(gw, id, from, "Resume", /^200 OK \(re-INVITE\)$/, {
      answer: /o=remote 1 3 .*a=sendrecv/s,
    });

    await statusEvent(gw, id, from, "Hold", /^re-INVITE from the network$/, {
      offer: /o=remote 1 4 .*a=sendonly/s,
      answer: /m=audio 40000 .*a=recvonly/s,
    });
    await statusEvent(gw, id, from, "Resume", /^re-INVITE from the network$/, {
      offer: /o=remote 1 5 .*a=sendrecv/s,
      answer: /m=audio 40000 .*a=sendrecv/s,
    });
    assert.equal((await getSession(gw, id)).status, "Resume");

    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), [
      "Ringing",
      "Connected",
      "Hold", // PUT
      "Hold", // 200 (recvonly) to the hold re-INVITE
      "Resume", // PUT
      "Resume", // 200 (sendrecv) to the resume re-INVITE
      "Hold", // the callee's hold re-INVITE
      "Resume", // the callee's resume re-INVITE
      "Terminated",
    ]);
  });
});
