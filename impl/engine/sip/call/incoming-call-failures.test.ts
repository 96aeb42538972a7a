import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { EngineError } from "../../engine-error.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { type FakeInvite, fakeInvite, flush, legContext, message, SDP } from "../testing/fake-sip.ts";
import { answerRemoteOffer } from "./answer-remote-offer.ts";
import { IncomingCall } from "./incoming-call.ts";

describe("IncomingCall when the media anchor or the INVITE transaction fails (fake invite, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  let ctx: ReturnType<typeof legContext>;
  let invite: FakeInvite;
  let call: IncomingCall;
  const receive = (headers: Record<string, string>, sdp?: string) => {
    invite = fakeInvite({ supported: "100rel, timer", ...headers }, sdp);
    call = new IncomingCall("m-1", "r-1", invite.request, "sip:gw@127.0.0.1", ctx);
  };
  const codes = () => invite.responses.map((r) => r.code);
  beforeEach(() => {
    anchor = fakeMediaAnchor();
    ctx = legContext({ anchor });
  });
  afterEach(() => {
    call.finish("Terminated", "test over", true);
    mock.timers.reset();
  });

  it("rejects the INVITE with 500, Retry-After and a Reason, and ends Failed, when the anchor refuses the answer in the PRACK", async () => {
    receive({}); // offerless: the device's offer goes in the reliable 183, the answer comes in the PRACK
    await call.answer("InProgress", SDP(40000));
    assert.deepEqual(codes(), [183]);
    anchor.failWhen((op, l) => op === "answer" && l.from === "network");
    invite.dialog.delegate.onPrack?.({ message: message({}, SDP(49170)), accept: () => undefined });
    await anchor.deleted("call-1");
    assert.deepEqual(invite.responses[1], {
      code: 500,
      headers: ["Retry-After: 5", 'Reason: SIP;cause=500;text="Anchoring the answer in the PRACK failed"'],
      body: undefined,
    });
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Anchoring the answer in the PRACK failed (network_unreachable); 500 sent"]],
    );
  });

  it("stops retransmitting its reliable 183 and ends Failed when the INVITE transaction is gone (no crash in the timer)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    receive({}, SDP(49170));
    await call.answer("InProgress", SDP(40000));
    invite.gone = true; // e.g. a transport error ended the server transaction
    mock.timers.tick(500);
    assert.equal(call.terminated, true);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [
        [
          "Failed",
          "Retransmitting the reliable provisional response failed (network_rejected); nothing sent",
        ],
      ],
    );
    mock.timers.tick(10_000);
    assert.equal(ctx.events.length, 1);
  });

  it("gives an EngineError and keeps the INVITE pending when the anchor refuses the device's answer", async () => {
    receive({}, SDP(49170));
    const rule = anchor.failWhen((op, l) => op === "answer" && l.from === "device");
    await assert.rejects(
      call.answer("Connected", SDP(40000)),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.deepEqual(codes(), []);
    assert.equal(call.answerOwed, true);
    rule.stop();
    await call.answer("Connected", SDP(40000));
    assert.deepEqual(codes(), [200]);
  });

  it("gives invalid_state (not a sip.js error) when the caller CANCELs while the device's answer is anchored", async () => {
    receive({}, SDP(49170));
    const hold = anchor.holdWhen((op, l) => op === "answer" && l.from === "device");
    const answering = call.answer("Connected", SDP(40000));
    await hold.reached;
    invite.cancel('Q.850;cause=16;text="Normal call clearing"');
    hold.release();
    await assert.rejects(
      answering,
      (e: unknown) => e instanceof EngineError && e.failure === "invalid_state",
    );
    assert.deepEqual(codes(), [487]);
    await anchor.deleted("call-1", 2); // released again: the late answer may have re-created it
  });

  it("ends Failed and gives invalid_state when the device answers an INVITE whose transaction is gone", async () => {
    receive({}, SDP(49170));
    invite.gone = true;
    await assert.rejects(
      call.answer("Connected", SDP(40000)),
      (e: unknown) => e instanceof EngineError && e.failure === "invalid_state",
    );
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Sending the 200 OK failed (network_rejected); nothing sent"]],
    );
    assert.equal(call.terminated, true);
  });

  it("ends SessionCancelled on a CANCEL even when the 487 can no longer be sent", () => {
    receive({}, SDP(49170));
    invite.gone = true;
    assert.doesNotThrow(() => invite.cancel());
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["SessionCancelled"],
    );
    assert.match(ctx.logs.join("\n"), /487 to call-1 could not be sent/);
  });

  it("declines without throwing to the API when the INVITE transaction is already gone", async () => {
    receive({}, SDP(49170));
    invite.gone = true;
    assert.doesNotThrow(() => call.terminate());
    assert.equal(call.terminated, true);
    await flush();
    assert.ok(anchor.requests.includes("delete call-1"));
    assert.match(ctx.logs.join("\n"), /603 Decline to call-1 could not be sent/);
  });

  it("refuses the device's SDP with glare while an early UPDATE's offer is in the media anchor, and its 200 leaves that exchange running (RFC 3264 §4)", async () => {
    receive({}, SDP(49170));
    await call.answer("InProgress", SDP(40000)); // the answer in a reliable 183
    assert.deepEqual(codes(), [183]);
    invite.dialog.delegate.onPrack?.({ message: message({}), accept: () => undefined });
    const updates: number[] = [];
    const update = (sdp: string) =>
      answerRemoteOffer(call, "UPDATE", message({}, sdp) as never, (code) => void updates.push(code));
    const held = anchor.holdWhen((op, l) => op === "offer" && l.from === "network");
    const first = update(SDP(49172, "sendrecv", 2));
    await held.reached;
    await assert.rejects(
      call.answer("Connected", SDP(40002, "sendrecv", 2)),
      (e: unknown) => e instanceof EngineError && e.failure === "glare",
    );
    await call.answer("Connected", undefined);
    assert.deepEqual(codes(), [183, 200]);
    await update(SDP(49174, "sendrecv", 3));
    assert.deepEqual(updates, [500], "the first UPDATE is still being answered");
    held.release();
    await first;
    assert.deepEqual(updates, [500, 200]);
  });
});
