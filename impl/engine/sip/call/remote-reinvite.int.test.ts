import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { deviceSdp, getSession, putStatus, statusEvent } from "../testing/call-steps.ts";
import { BOB, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippPassed } from "../testing/sipp-callee.ts";

describe("re-INVITE from the far end (RFC 3261 §14) through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("answers a re-INVITE with a new offer, puts its offer into the 200 of a re-INVITE without one, and surfaces both", async () => {
    const sipp = runSipp({
      scenario: "uac-reinvite.xml",
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: BOB,
      timeoutMs: 30_000,
    });
    const invitation = await gw.waitForEvent((e) => e.type.endsWith("session-invitation"));
    const id = sid(invitation) ?? (invitation.data as { mediaSessionId: string }).mediaSessionId;
    const from = gw.events.length;
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);

    await statusEvent(gw, id, from, "Connected", /^re-INVITE from the network$/, {
      offer: /m=audio 49180 /,
      answer: /m=audio 40000 .*a=sendrecv/s,
    });
    await statusEvent(gw, id, from, "Connected", /^Answer in ACK$/, { answer: /m=audio 49182 / });
    const got = await getSession(gw, id, BOB);
    assert.match(got.answer?.sdp ?? "", /m=audio 49182 /);
    await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Connected", "Connected", "Connected", "Terminated"]);
  });
});
