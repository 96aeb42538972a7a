import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { type SessionEvent, silentLogger } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { passThroughMediaAnchor } from "../../media-anchor.ts";
import { connectedTestLeg, type FakeDialog, flush, SDP, type TestLeg } from "../testing/fake-sip.ts";
import type { CallLegContext } from "./call-leg.ts";

describe("CallLeg offer/answer and session refresh failure handling (fake dialog)", () => {
  let events: SessionEvent[];
  let dialog: FakeDialog;
  let leg: TestLeg;
  beforeEach(() => {
    events = [];
    const ctx: CallLegContext = {
      core: undefined as unknown as CallLegContext["core"],
      anchor: passThroughMediaAnchor,
      sessionExpiresSec: 1800,
      minSeSec: 90,
      sessionTimerScale: 1,
      inviteTimeoutMs: 60_000,
      emit: (e) => events.push(e),
      bindDialog: () => undefined,
      ended: () => undefined,
      logger: silentLogger,
    };
    ({ leg, dialog } = connectedTestLeg(ctx));
  });
  afterEach(() => {
    leg.finish("Terminated", "test over", true);
    mock.timers.reset();
  });

  it("refuses a network offer with 491 while its own offer is pending (RFC 3311 §5.2)", async () => {
    leg.offerAnswer.apply({ name: "offer-sent" });
    assert.equal((await dialog.reinvite({}, SDP(49170, "sendrecv", 2))).code, 491);
    assert.deepEqual(events, []);
  });

  it("refuses a network offer with 500 and Retry-After while it owes the device's answer (RFC 3311 §5.2)", async () => {
    leg.offerAnswer.apply({ name: "offer-received", in: "re-INVITE" });
    const response = await dialog.reinvite({}, SDP(49170, "sendrecv", 2));
    assert.equal(response.code, 500);
    assert.match(response.headers.join("\n"), /^Retry-After: \d+$/m);
  });

  it("refuses with 491 a re-INVITE without an offer while its own offer is pending (RFC 3264 §4: its 2xx would carry a second offer)", async () => {
    leg.offerAnswer.apply({ name: "offer-sent" });
    assert.equal((await dialog.reinvite({})).code, 491);
    assert.equal(leg.offerAnswer.state.name, "local-offer");
  });

  it("refuses with 488 a network offer that arrives before the device gave any SDP", async () => {
    leg.sdp.deviceGave(undefined);
    assert.equal((await dialog.reinvite({}, SDP(49170, "sendrecv", 2))).code, 488);
  });

  it("refuses a refresh below its Min-SE with 422 and Min-SE (RFC 4028 §9)", async () => {
    const response = await dialog.reinvite({ "Session-Expires": "60", Supported: "timer" }, SDP(49170));
    assert.deepEqual(response, { code: 422, headers: ["Min-SE: 90"] });
  });

  it("keeps the session as it was and says why when its re-INVITE gets 491", async () => {
    await leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected");
    dialog.invites[0]?.answer(491);
    await flush();
    assert.equal(leg.offerPending, false);
    assert.equal(leg.sdp.device, SDP(40000));
    assert.deepEqual(
      events.map((e) => [e.status, e.reason]),
      [["Connected", "491 Refused (re-INVITE): the media change was not applied (glare)"]],
    );
  });

  it("ends the call with BYE (cause 488) and Failed when the answer to its hold is not a session description, with no media anchor", async () => {
    await leg.hold(true, undefined);
    dialog.invites[0]?.answer(200, {}, "this is not SDP\r\n");
    await flush();
    await flush();
    assert.deepEqual(dialog.byes, [
      ['Reason: SIP;cause=488;text="Anchoring the answer to the re-INVITE failed"'],
    ]);
    assert.deepEqual(
      events.map((e) => e.status),
      ["Failed"],
    );
  });

  it("ends the dialog with BYE when its re-INVITE gets 481 (RFC 3261 §14.1)", async () => {
    await leg.hold(true, undefined);
    assert.match(dialog.invites[0]?.body ?? "", /a=sendonly/);
    dialog.invites[0]?.answer(481);
    await flush();
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=408;text="Dialog lost"']]);
    assert.deepEqual(
      events.map((e) => e.status),
      ["Terminated"],
    );
    assert.equal(leg.terminated, true);
  });

  it("refuses a second device offer while one is pending (glare → 409 upstream)", async () => {
    await leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected");
    await assert.rejects(leg.changeMedia(SDP(40004, "sendrecv", 3), "Connected"), (e: unknown) => {
      return e instanceof EngineError && e.failure === "glare";
    });
  });

  it("retries a refresh refused with 422 at the larger interval, then ends with BYE when a refresh gets 481 (RFC 4028 §10)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    leg.refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    mock.timers.tick(45_000);
    // No Allow: UPDATE from this peer, so the refresh is a re-INVITE with the unchanged SDP.
    assert.equal(dialog.invites[0]?.body, SDP(40000));
    assert.ok(dialog.invites[0]?.headers.includes("Session-Expires: 90;refresher=uac"));
    dialog.invites[0]?.answer(422, { "Min-SE": "120" });
    await flush();
    assert.ok(dialog.invites[1]?.headers.includes("Session-Expires: 120;refresher=uac"));
    assert.ok(dialog.invites[1]?.headers.includes("Min-SE: 120"));
    dialog.invites[1]?.answer(200, { "Session-Expires": "120;refresher=uac" }, SDP(49170));
    await flush();
    mock.timers.tick(60_000);
    dialog.invites[2]?.answer(481);
    await flush();
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=408;text="Session refresh failed"']]);
    assert.deepEqual(
      events.map((e) => [e.status, e.reason]),
      [["Terminated", "481 Refused to the session refresh (RFC 4028 §10)"]],
    );
  });
});
