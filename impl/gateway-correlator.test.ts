import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestGateway, type TestGateway } from "./testing/test-gateway.ts";

const CALLS = "/webrtc-call-handling/v0.3/sessions";

/** The rule: what the network causes for a session or registration carries the correlator it began with. */
describe("the correlator of events the network causes (fake engine)", () => {
  let gw: TestGateway;
  let registrationId: string;
  before(async () => {
    gw = await startTestGateway();
    const res = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
      body: { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" },
    });
    registrationId = ((await res.json()) as { registrationId: string }).registrationId;
  });
  after(async () => gw?.close());

  const lastEvent = (type: string) => gw.events.filter((e) => e.type.endsWith(type)).at(-1);

  it("gives a session-status the engine reports the correlator the engine names", async () => {
    const res = await gw.request("POST", CALLS, {
      headers: { registrationId, "x-correlator": "post-sessions-1" },
      body: { receiverAddress: "tel:+34600000002", offer: { sdp: "v=0" } },
    });
    const { mediaSessionId } = (await res.json()) as { mediaSessionId: string };
    await gw.engine.listener.sessionChanged({
      mediaSessionId,
      status: "Ringing",
      reason: "180 Ringing",
      correlator: "post-sessions-1",
    });
    assert.equal(lastEvent("session-status")?.correlator, "post-sessions-1");
  });

  it("gives a session-invitation the correlator the engine made for the INVITE", async () => {
    await gw.engine.listener.incomingCall({
      mediaSessionId: "5f0d6c1e-0000-4000-8000-000000000001",
      registrationId,
      originatorAddress: "tel:+34911000001",
      originatorName: undefined,
      receiverAddress: "tel:+34600000001",
      offerSdp: "v=0",
      correlator: "invite-arrived-1",
    });
    assert.equal(lastEvent("session-invitation")?.correlator, "invite-arrived-1");
  });

  it("gives registration-ends the correlator of the request that created the registration", async () => {
    await gw.engine.listener.registrationEnded({
      registrationId,
      reason: "NETWORK_TERMINATED",
      description: "refused refresh",
      correlator: "post-registration-1",
    });
    assert.equal(lastEvent("registration-ends")?.correlator, "post-registration-1");
  });
});
