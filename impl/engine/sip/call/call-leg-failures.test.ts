import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { EngineError } from "../../engine-error.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import {
  connectedTestLeg,
  type FakeDialog,
  flush,
  legContext,
  message,
  SDP,
  type TestLeg,
} from "../testing/fake-sip.ts";
import { answerRemoteOffer } from "./answer-remote-offer.ts";

const invalidSdp = () => new EngineError("invalid_sdp", "media anchor offer failed (rtpengine: parse SDP)");

describe("CallLeg when the media anchor or sip.js fails (fake dialog, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  let ctx: ReturnType<typeof legContext>;
  let dialog: FakeDialog;
  let leg: TestLeg;
  beforeEach(() => {
    anchor = fakeMediaAnchor();
    ctx = legContext({ anchor });
    ({ leg, dialog } = connectedTestLeg(ctx));
    leg.sdp.restore({ networkOrigin: "x 1 1 IN IP4 127.0.0.1" });
  });
  afterEach(() => {
    leg.finish("Terminated", "test over", true);
    mock.timers.reset();
  });

  it("answers 488 to a remote re-INVITE whose SDP the media anchor refuses, keeps the session as it was, and tells the client", async () => {
    anchor.failWhen((op, l) => op === "offer" && l.from === "network", invalidSdp());
    const response = await dialog.reinvite({}, SDP(49180, "sendrecv", 2));
    assert.deepEqual(response, { code: 488, headers: [] });
    assert.equal(leg.terminated, false);
    assert.equal(
      leg.sdp.networkOrigin,
      "x 1 1 IN IP4 127.0.0.1",
      "a retried offer is not taken for a refresh",
    );
    assert.deepEqual(ctx.events, [
      {
        mediaSessionId: "m-1",
        status: "Connected",
        reason:
          "re-INVITE from the network refused with 488: the media anchor could not take its offer (invalid_sdp)",
      },
    ]);
  });

  it("answers 500 with Retry-After to a remote UPDATE when the media anchor does not answer (RFC 3261 §21.5.1)", async () => {
    anchor.failWhen((op, l) => op === "answer" && l.from === "device");
    const responses: Array<[number, string[] | undefined]> = [];
    await answerRemoteOffer(leg, "UPDATE", message({}, SDP(49180, "sendrecv", 2)) as never, (code, _b, h) =>
      responses.push([code, h]),
    );
    assert.deepEqual(responses, [[500, ["Retry-After: 5"]]]);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [
        [
          "Connected",
          "UPDATE from the network refused with 500: the media anchor could not take its offer (network_unreachable)",
        ],
      ],
    );
  });

  it("answers 487 to a remote re-INVITE when the call ended while its offer was anchored (RFC 3261 §15.1.2)", async () => {
    const hold = anchor.holdWhen((op) => op === "offer");
    const response = dialog.reinvite({}, SDP(49180, "sendrecv", 2));
    await hold.reached;
    leg.finish("Terminated", "BYE");
    hold.release();
    assert.equal((await response).code, 487);
  });

  it("survives a re-INVITE transaction that can no longer be answered", async () => {
    anchor.failWhen((op) => op === "offer", invalidSdp());
    const done = new Promise<void>((resolve) =>
      dialog.delegate.onInvite?.({
        message: message({}, SDP(49180, "sendrecv", 2)),
        accept: () => assert.fail("not accepted"),
        reject: () => {
          resolve();
          throw new Error("INVITE not rejectable in state Terminated.");
        },
      }),
    );
    await done;
    await flush();
    assert.match(ctx.logs.join("\n"), /answering re-INVITE in call-1 with 488 failed: INVITE not rejectable/);
  });

  it("ends the call with BYE and a Reason, and Failed, when the anchor refuses the answer in the ACK to its offer", async () => {
    leg.offerAnswer.apply({ name: "offer-sent" }); // our offer went in a 2xx (a re-INVITE without an offer)
    anchor.failWhen((op, l) => op === "answer" && l.from === "network");
    dialog.ack(SDP(49182));
    await anchor.deleted("call-1");
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=500;text="Anchoring the answer in the ACK failed"']]);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Anchoring the answer in the ACK failed (network_unreachable); BYE sent"]],
    );
    assert.deepEqual(ctx.endedLegs, [leg]);
  });

  it("ends the call with BYE and Failed when the anchor refuses the answer to its re-INVITE", async () => {
    anchor.failWhen((op, l) => op === "answer" && l.from === "network", invalidSdp());
    await leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected");
    dialog.invites[0]?.answer(200, {}, SDP(49190));
    await anchor.deleted("call-1");
    assert.deepEqual(dialog.byes, [
      ['Reason: SIP;cause=488;text="Anchoring the answer to the re-INVITE failed"'],
    ]);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Failed"],
    );
  });

  it("gives an EngineError, sends nothing and keeps the session when the anchor refuses the device's new offer", async () => {
    anchor.failWhen((op, l) => op === "offer" && l.from === "device");
    await assert.rejects(
      leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected"),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.equal(dialog.invites.length, 0);
    assert.equal(leg.offerPending, false);
    assert.equal(leg.sdp.device, SDP(40000));
  });

  it("gives an EngineError (not sip.js's) when the anchor rejects with an error of its own", async () => {
    anchor.failWhen(() => true, new Error("socket hang up"));
    await assert.rejects(
      leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected"),
      (e: unknown) => e instanceof EngineError && e.failure === "network_rejected",
    );
  });

  it("ends the session with Failed when its session refresh cannot even be built (no crash in the timer)", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    leg.notePeer({ getHeaders: (name) => (name === "allow" ? ["UPDATE"] : []) });
    dialog.requestError = new Error("Dialog not confirmed.");
    leg.refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    mock.timers.tick(45_000);
    assert.equal(leg.terminated, true);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Sending the session refresh failed (network_rejected); BYE sent"]],
    );
  });

  it("ends an expired session when sip.js refuses the BYE before the ACK, and sends the BYE once the ACK arrives (RFC 3261 §15)", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    dialog.byeError = new Error("UAS MUST NOT send a BYE on a confirmed dialog until it has received an ACK");
    leg.refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uas");
    mock.timers.tick(90_000);
    assert.equal(leg.terminated, true);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Terminated"],
    );
    assert.deepEqual(dialog.byes, []);
    dialog.byeError = undefined;
    dialog.ack();
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=408;text="Session timer expired"']]);
  });
});
