/**
 * An r3.1 emergency call through the API: createSession (callType EMERGENCY, locationDetails) on
 * webrtc-call-handling v0.4rc1 → the call service → the SIP engine → Kamailio (urn:service:sos to
 * the PSAP peer) → a SIPp PSAP that checks the PIDF-LO holds the coordinates and radius as sent.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { deviceSdp } from "../testing/call-steps.ts";
import { ALICE, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippPassed } from "../testing/sipp-callee.ts";

const R31 = "/webrtc-call-handling/v0.4rc1/sessions";
const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));
const GAP = "[[:space:]]*";
const attr = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

describe("an r3.1 emergency call through the API to a SIPp PSAP", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE); // through r2.2: the registration serves both releases
  });
  after(async () => gw?.close());

  it("carries locationDetails to the PSAP as a PIDF-LO circle, exactly as sent, is answered, holds and hangs up", async () => {
    const circle = [
      '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">',
      "<gml:pos>40\\.4165002 -3\\.7025601</gml:pos>",
      '<gs:radius uom="urn:ogc:def:uom:EPSG::9001">850\\.24</gs:radius>',
      "</gs:Circle>",
    ].join(GAP);
    const port = await freePort();
    await gw.lab.setPeer("sos", `sip:127.0.0.1:${port};transport=tcp`);
    const psap = runSipp({
      scenario: scenario("uas-psap.xml"),
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      template: { location: attr(circle), pai: attr(`sip:\\+34600000001@`) },
      timeoutMs: 20_000,
    });
    await psap.ready;
    const res = await gw.request("POST", R31, {
      headers: { registrationId },
      body: {
        originatorAddress: `tel:${ALICE}`,
        receiverAddress: "urn:service:sos",
        callType: "EMERGENCY",
        offer: { sdp: deviceSdp(40000) },
        locationDetails: {
          shape: "Circle",
          coordinates: { latitude: 40.4165002, longitude: -3.7025601, radius: 850.24 },
          method: "GPS",
          confidence: { pdf: "normal", value: 95 },
        },
      },
    });
    const created = (await res.json()) as { mediaSessionId: string; callType: string };
    assert.equal(res.status, 201, JSON.stringify(created));
    assert.equal(created.callType, "EMERGENCY");
    const id = created.mediaSessionId;
    await gw
      .waitForEvent((e) => sid(e) === id && (e.data as { status?: string }).status === "Connected")
      .catch(async (error: Error) => {
        psap.stop();
        const r = await psap.done;
        throw new Error(`${error.message}\nSIPp:\n${r.errors}\n${r.messages.slice(-6000)}`);
      });
    const got = (await (await gw.request("GET", `${R31}/${id}`)).json()) as { status: string };
    assert.equal(got.status, "Connected");
    // The PSAP scenario then expects a hold (re-INVITE) and a BYE, as any call.
    const hold = await gw.request("PUT", `${R31}/${id}/status`, { body: { status: "Hold" } });
    assert.equal(hold.status, 200, await hold.clone().text());
    assert.equal((await gw.request("DELETE", `${R31}/${id}`)).status, 204);
    await sippPassed(psap);
  });
});
