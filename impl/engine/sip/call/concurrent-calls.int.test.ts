import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { deviceSdp, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCaller, sippPassed } from "../testing/sipp-callee.ts";
import { receivedRequests } from "../testing/sipp-trace.ts";

describe("several sessions at once on one registration through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("runs three outgoing calls and an incoming one side by side, each with its own dialog and status sequence", async () => {
    const number = "+34911000450";
    const port = await freePort();
    await gw.lab.setPeer(number, `sip:127.0.0.1:${port};transport=tcp`);
    const callee = runSipp({
      scenario: "uas-answer.xml",
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      calls: 3,
      timeoutMs: 30_000,
    });
    await callee.ready;
    const outgoing = await Promise.all(
      [1, 2, 3].map(() => originate(gw, registrationId, number, deviceSdp(40000))),
    );
    const incoming = await sippCaller(gw, ALICE, "uac-call.xml");
    await Promise.all(outgoing.map((id) => statusEvent(gw, id, 0, "Connected", /^200 OK$/)));
    await putStatus(gw, incoming.id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } });
    await putStatus(gw, incoming.id, { status: "Ringing" });
    await putStatus(gw, incoming.id, { status: "Connected", answer: { sdp: deviceSdp(40000) } });
    await Promise.all(outgoing.map((id) => hangUp(gw, id)));
    await statusEvent(gw, incoming.id, 0, "Terminated", /^BYE/);
    await sippPassed(callee);
    await sippPassed(incoming.sipp);

    assert.equal(new Set(outgoing).size, 3);
    for (const id of outgoing)
      assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    assert.deepEqual(gw.statuses(incoming.id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    const invites = receivedRequests((await callee.done).messages, "INVITE");
    assert.equal(invites.length, 3);
    assert.equal(new Set(invites.map((m) => m.header("call-id"))).size, 3, "one Call-ID per call");
    assert.equal(new Set(invites.map((m) => /tag=([^;]+)/.exec(m.header("from") ?? "")?.[1])).size, 3);
  });
});
