import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { deviceSdp } from "../testing/call-steps.ts";
import { ALICE, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";

const R22 = "/webrtc-call-handling/v0.3/sessions";
const R31 = "/webrtc-call-handling/v0.4rc1/sessions";

describe("r2.2 and r3.1 over one registration, through Kamailio to a SIPp callee", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE); // through r2.2 (webrtc-registration v0.3)
  });
  after(async () => gw?.close());

  it("registers through r2.2, places the call through r3.1 and reads it back through both", async () => {
    const registration = await gw.request("GET", `/webrtc-registration/v0.4rc1/sessions/${registrationId}`);
    assert.equal(registration.status, 200, await registration.clone().text());
    assert.equal(((await registration.json()) as { registrationId: string }).registrationId, registrationId);

    const port = await freePort();
    await gw.lab.setPeer("+34911000031", `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: "uas-answer.xml",
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
    });
    await sipp.ready;
    const res = await gw.request("POST", R31, {
      headers: { registrationId },
      body: {
        originatorAddress: `tel:${ALICE}`,
        receiverAddress: "tel:+34911000031",
        offer: { sdp: deviceSdp(40000) },
        clientCorrelator: "not-in-r3.1",
      },
    });
    const created = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 201, JSON.stringify(created));
    assert.equal(created.status, "Initial");
    assert.equal("clientCorrelator" in created, false, "r3.1 has no clientCorrelator");
    const id = String(created.mediaSessionId);
    await gw
      .waitForEvent((e) => sid(e) === id && (e.data as { status?: string }).status === "Connected")
      .catch(async (error: Error) => {
        sipp.stop();
        const r = await sipp.done;
        throw new Error(`${error.message}\nSIPp:\n${r.errors}\n${r.messages.slice(-6000)}`);
      });

    const r31 = (await (await gw.request("GET", `${R31}/${id}`)).json()) as Record<string, unknown>;
    assert.equal(r31.status, "Connected");
    assert.match((r31.answer as { sdp: string }).sdp, /m=audio 49170 RTP\/AVP 0/);
    for (const removed of ["sequenceNumber", "reason", "clientCorrelator", "offerRequired"]) {
      assert.equal(removed in r31, false, `r3.1 shows no ${removed}`);
    }
    const r22 = (await (await gw.request("GET", `${R22}/${id}`)).json()) as Record<string, unknown>;
    assert.equal(r22.status, "Connected");
    assert.equal(r22.receiverAddress, "tel:+34911000031");
    assert.deepEqual(r22.answer, r31.answer);
    assert.equal(typeof r22.sequenceNumber, "number", "r2.2 keeps its sequenceNumber");

    assert.equal((await gw.request("DELETE", `${R31}/${id}`)).status, 204);
    const result = await sipp.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-6000)}`);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    assert.equal((await gw.request("GET", `${R22}/${id}`)).status, 404, "gone for r2.2 too");
  });
});
