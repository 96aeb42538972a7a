import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deviceSdp, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";

/** REGISTER requests Kamailio has received since it started (core statistics). */
async function registersReceived(gw: SipLabGateway): Promise<number> {
  const out = await gw.lab.kamcmd("stats.get_statistics", "rcv_requests_register");
  const match = /rcv_requests_register\s*=\s*(\d+)/.exec(out);
  if (!match?.[1]) throw new Error(`unexpected kamcmd output: ${out}`);
  return Number(match[1]);
}

describe("trunk mode (SIP_REGISTRATION_MODE=trunk) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let alice: string;
  before(async () => {
    // The lab trusts the trunk: no subscriber credentials, so no digest challenge either.
    gw = await startSipLabGateway({ transport: "tcp", mode: "trunk", subscribers: false });
    alice = await gw.register(ALICE);
    await gw.register(BOB);
    await gw.lab.setTrunk("+346", `sip:127.0.0.1:${gw.engine.local.port};transport=tcp`);
  });
  after(async () => gw?.close());

  it("sends no REGISTER for CAMARA registrations", async () => {
    assert.equal(await registersReceived(gw), 0);
    assert.equal((await gw.lab.registrations(ALICE)).includes("rid="), false);
  });

  it("turns an INVITE for a number of the trunk range into a session-invitation for its registration", async () => {
    const { sipp, id, invitation } = await sippCaller(gw, BOB, "uac-call.xml");
    assert.equal((invitation.data as { receiverAddress: string }).receiverAddress, `tel:${BOB}`);
    await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } }, BOB);
    await putStatus(gw, id, { status: "Ringing" }, BOB);
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, 0, "Terminated", /^BYE/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
  });

  it("places an outgoing call without any registration at the network", async () => {
    const number = "+34911000440";
    const sipp = await sippCallee(gw, number, "uas-answer.xml");
    const id = await originate(gw, alice, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    assert.equal(await registersReceived(gw), 0);
  });
});
