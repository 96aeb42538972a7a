import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { EngineError } from "../../engine-error.ts";
import { deviceSdp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";

const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));
const invalidSdp = () =>
  new EngineError("invalid_sdp", "media anchor answer failed (rtpengine answer: parse SDP)");

/** Rejects after `ms` instead of letting a broken expectation hang the tier. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("a media anchor that refuses or does not answer, through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let anchor: FakeMediaAnchor;
  let registrationId: string;
  before(async () => {
    anchor = fakeMediaAnchor();
    gw = await startSipLabGateway({ transport: "tcp", mediaAnchor: anchor });
    registrationId = await gw.register(ALICE);
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("refuses with 488 a re-INVITE whose offer the anchor rejects, keeps the call, and tells the client", async () => {
    const rule = anchor.failWhen(
      (op, leg, sdp) => op === "offer" && leg.from === "network" && sdp.includes("m=audio 49180"),
      invalidSdp(),
    );
    try {
      const from = gw.events.length;
      const { sipp, id } = await sippCaller(gw, BOB, scenario("uac-reinvite-refused.xml"));
      await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
      await statusEvent(
        gw,
        id,
        from,
        "Connected",
        /^re-INVITE from the network refused with 488: the media anchor could not take its offer \(invalid_sdp\)$/,
      );
      await statusEvent(gw, id, from, "Terminated", /^BYE$/);
      await sippPassed(sipp); // the scenario expects the 488, then ends the call with BYE
      assert.deepEqual(gw.statuses(id), ["Connected", "Connected", "Terminated"]);
    } finally {
      rule.stop();
    }
  });

  it("CANCELs with a Reason (cause 488) and ends Failed when the anchor rejects the callee's early answer", async () => {
    const number = "+34911000301";
    const rule = anchor.failWhen((op, leg) => op === "answer" && leg.from === "network", invalidSdp());
    try {
      const sipp = await sippCallee(gw, number, scenario("uas-early-failed-media.xml"), { cause: 488 });
      const id = await originate(gw, registrationId, number, deviceSdp(40000));
      await statusEvent(
        gw,
        id,
        0,
        "Failed",
        /^Anchoring the answer in 183 Session Progress failed \(invalid_sdp\); CANCEL sent$/,
      );
      await sippPassed(sipp);
      assert.deepEqual(gw.statuses(id), ["Failed"]);
    } finally {
      rule.stop();
    }
  });

  it("ACKs the 200 and ends the call with BYE (Reason cause 500) and Failed when the anchor does not answer for the callee's answer", async () => {
    const number = "+34911000302";
    const rule = anchor.failWhen((op, leg) => op === "answer" && leg.from === "network");
    try {
      const sipp = await sippCallee(gw, number, scenario("uas-failed-media.xml"), { cause: 500 });
      const id = await originate(gw, registrationId, number, deviceSdp(40000));
      await statusEvent(
        gw,
        id,
        0,
        "Failed",
        /^Anchoring the answer in 200 OK failed \(network_unreachable\); BYE sent$/,
      );
      await sippPassed(sipp);
      assert.deepEqual(gw.statuses(id), ["Ringing", "Failed"]);
    } finally {
      rule.stop();
    }
  });

  it("announces no call whose caller CANCELs while its offer is anchored (487 on the wire), and releases the anchor's call", async () => {
    let callId = "";
    const hold = anchor.holdWhen((op, leg) => {
      if (op !== "offer" || leg.from !== "network") return false;
      callId = leg.callId;
      return true;
    });
    const from = gw.events.length;
    const sipp = runSipp({
      scenario: scenario("uac-cancel.xml"),
      remote: `127.0.0.1:${gw.lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: BOB,
      template: { pause: 200 },
      timeoutMs: 30_000,
    });
    try {
      await within(15_000, "the INVITE's offer at the anchor", hold.reached);
      await within(15_000, "the CANCEL ending the call", anchor.deleted(callId));
    } finally {
      hold.release();
    }
    // The late offer may have re-created what the CANCEL released: the engine releases it again.
    await within(15_000, "the second release", anchor.deleted(callId, 2));
    await sippPassed(sipp); // 200 to the CANCEL, 487 to the INVITE
    assert.deepEqual(
      gw.events.slice(from).map((e) => e.type.split(".").pop()),
      [],
      "no session-invitation and no status for a call the client never had",
    );
  });

  it("answers the POST 503 UNAVAILABLE and keeps nothing when the anchor does not answer for the device's offer", async () => {
    let callId = "";
    const rule = anchor.failWhen((op, leg) => {
      if (op !== "offer" || leg.from !== "device") return false;
      callId = leg.callId;
      return true;
    });
    try {
      const from = gw.events.length;
      const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
        headers: { registrationId },
        body: { receiverAddress: "tel:+34911000303", offer: { sdp: deviceSdp(40000) } },
      });
      assert.deepEqual(await res.json(), {
        status: 503,
        code: "UNAVAILABLE",
        message: "The telco network cannot be reached; retry later.",
      });
      assert.equal(res.status, 503);
      await within(15_000, "the release of the anchor's call", anchor.deleted(callId));
      assert.deepEqual(gw.events.slice(from), []);
    } finally {
      rule.stop();
    }
    // The gateway goes on serving: the next call reaches the network (nobody serves this number).
    const id = await originate(gw, registrationId, "+34999999999", deviceSdp(40000));
    await statusEvent(gw, id, 0, "NotReachable", /^404 /);
  });

  it("refuses with 500 and Retry-After a re-INVITE offer that arrives while the anchor still takes the answer to its hold, and hands the anchor nothing meanwhile (RFC 3264 §4)", async () => {
    const number = "+34911000304";
    let callId = "";
    const held = anchor.holdWhen((op, leg, sdp) => {
      if (op !== "answer" || leg.from !== "network" || !sdp.includes("m=audio 49176")) return false;
      callId = leg.callId;
      return true;
    });
    const sipp = await sippCallee(gw, number, scenario("uas-reinvite-while-anchoring.xml"));
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    const from = gw.events.length;
    assert.equal((await putStatus(gw, id, { status: "Hold" })).status, "Hold");
    try {
      await within(15_000, "the answer to the hold at the anchor", held.reached);
      // The callee hangs up once its re-INVITE got the 500 (the scenario checks it and Retry-After).
      await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    } finally {
      held.release();
    }
    await sippPassed(sipp);
    await within(15_000, "the release of the anchor's call", anchor.deleted(callId));
    assert.deepEqual(
      anchor.requests.filter((r) => r.endsWith(` ${id}`)),
      ["offer device", "answer network", "offer device", "answer network"].map((r) => `${r} ${id}`),
      "the INVITE's exchange, the hold's exchange, and no offer from the network",
    );
    assert.deepEqual(gw.statuses(id), ["Ringing", "Connected", "Hold", "Terminated"]);
  });
});
