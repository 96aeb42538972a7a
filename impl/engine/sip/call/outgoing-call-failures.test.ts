import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { OriginateRequest } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { FakeCore, FakeDialog, flush, legContext, message, SDP } from "../testing/fake-sip.ts";
import type { CallLeg } from "./call-leg.ts";
import { originateCall } from "./originate-call.ts";
import { OutgoingCall } from "./outgoing-call.ts";

const origination = (offerSdp: string | undefined): OriginateRequest => ({
  mediaSessionId: "m-1",
  registrationId: "r-1",
  originatorAddress: "tel:+34600000001",
  receiverAddress: "tel:+34600000002",
  originatorName: undefined,
  offerSdp,
  correlator: "c-1",
});

const response = (code: number, reason: string, headers: Record<string, string>, sdp?: string) => ({
  ...message({ via: "SIP/2.0/TCP 127.0.0.1", ...headers }, sdp, { code, reason }),
});
const reliable = { require: "100rel", rseq: "1" };

describe("OutgoingCall when the media anchor fails (fake core, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  let core: FakeCore;
  let ctx: ReturnType<typeof legContext>;
  let dialog: FakeDialog;
  let pracks: unknown[];
  let acks: Array<{ body?: { content: string } } | undefined>;

  async function call(offer: string | undefined) {
    const leg = new OutgoingCall(origination(offer), "sip:gw@127.0.0.1", "lab.test", "call-1", ctx);
    await leg.start();
    const invite = core.invites[0];
    assert.ok(invite);
    return {
      leg,
      invite,
      progress: (r: ReturnType<typeof response>) =>
        invite.delegate.onProgress?.({
          message: r,
          session: dialog.asSession(),
          prack: (o: unknown) => pracks.push(o),
        }),
      accept: (r: ReturnType<typeof response>) =>
        invite.delegate.onAccept?.({
          message: r,
          session: dialog.asSession(),
          ack: (o?: { body?: { content: string } }) => acks.push(o),
        }),
    };
  }

  beforeEach(() => {
    anchor = fakeMediaAnchor();
    core = new FakeCore();
    ctx = legContext({ anchor, core });
    dialog = new FakeDialog();
    pracks = [];
    acks = [];
  });
  afterEach(() => mock.timers.reset());

  it("cancels the INVITE with a Reason and ends Failed when the anchor refuses the answer in a reliable 183", async () => {
    anchor.failWhen((op, l) => op === "answer" && l.from === "network");
    const { leg, invite, progress } = await call(SDP(40000));
    progress(response(183, "Session Progress", reliable, SDP(49170)));
    await anchor.deleted("call-1");
    assert.deepEqual(invite.cancels, [
      'SIP;cause=500;text="Anchoring the answer in 183 Session Progress failed"',
    ]);
    assert.deepEqual(pracks, [], "nothing is acknowledged for a call that is being cancelled");
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Anchoring the answer in 183 Session Progress failed (network_unreachable); CANCEL sent"]],
    );
    assert.deepEqual(ctx.endedLegs, [leg]);
    // RFC 3261 §9.1: a 2xx that crosses the CANCEL is acknowledged and the call ended with BYE.
    acks.length = 0;
    invite.delegate.onAccept?.({
      message: response(200, "OK", {}),
      session: dialog.asSession(),
      ack: () => acks.push(undefined),
    });
    assert.equal(acks.length, 1);
    assert.equal(dialog.byes.length, 1);
    assert.equal(ctx.events.length, 1, "the client hears Failed once");
  });

  it("cancels and ends Failed when the anchor refuses the offer in the reliable 183 of an offerless INVITE", async () => {
    anchor.failWhen(
      (op, l) => op === "offer" && l.from === "network",
      new EngineError("invalid_sdp", "bad SDP"),
    );
    const { invite, progress } = await call(undefined);
    progress(response(183, "Session Progress", reliable, SDP(49170)));
    await anchor.deleted("call-1");
    assert.deepEqual(invite.cancels, [
      'SIP;cause=488;text="Anchoring the offer in 183 Session Progress failed"',
    ]);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Failed"],
    );
  });

  it("sends BYE with a Reason after the ACK and ends Failed when the anchor refuses the answer in the 2xx", async () => {
    anchor.failWhen((op, l) => op === "answer" && l.from === "network");
    const { accept } = await call(SDP(40000));
    accept(response(200, "OK", {}, SDP(49170)));
    await anchor.deleted("call-1");
    assert.deepEqual(acks, [undefined]);
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=500;text="Anchoring the answer in 200 OK failed"']]);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Anchoring the answer in 200 OK failed (network_unreachable); BYE sent"]],
    );
  });

  it("answers the offer in a 2xx it cannot anchor with every stream rejected in the ACK, then BYE (RFC 3261 §13.2.2.4)", async () => {
    anchor.failWhen((op, l) => op === "offer" && l.from === "network");
    const { accept } = await call(undefined);
    accept(response(200, "OK", {}, SDP(49170)));
    await anchor.deleted("call-1");
    assert.equal(acks.length, 1);
    assert.match(acks[0]?.body?.content ?? "", /^m=audio 0 RTP\/AVP 0$/m);
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=500;text="Anchoring the offer in 200 OK failed"']]);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Failed"],
    );
  });

  it("stays Connected when the 2xx arrives while the answer in the 183 is still being anchored", async () => {
    const hold = anchor.holdWhen((op, l) => op === "answer" && l.from === "network");
    const { leg, progress, accept } = await call(SDP(40000));
    progress(response(183, "Session Progress", reliable, SDP(49170)));
    await hold.reached;
    accept(response(200, "OK", {}, SDP(49170)));
    hold.release();
    await flush();
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason, e.answerSdp !== undefined]),
      [
        ["Connected", "200 OK", false],
        ["Connected", "183 Session Progress", true],
      ],
    );
    assert.equal(leg.status, "Connected");
    leg.finish("Terminated", "test over", true);
  });

  it("ends Failed, without a crash in its timer, when sip.js refuses the CANCEL of an unanswered INVITE", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    ctx = legContext({ anchor, core, inviteTimeoutMs: 1500 });
    const { leg } = await call(SDP(40000));
    core.cancelError = new Error("Transaction undefined.");
    mock.timers.tick(1500);
    assert.equal(leg.terminated, true);
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "Cancelling the unanswered INVITE failed (network_rejected); nothing sent"]],
    );
  });

  it("ends Failed when the INVITE retried after 422 cannot be sent (RFC 4028 §7.4)", async () => {
    const { invite } = await call(SDP(40000));
    core.inviteError = new Error("Transport closed");
    invite.delegate.onReject?.({
      message: response(422, "Session Interval Too Small", { "min-se": "1800" }),
    });
    await flush();
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason]),
      [["Failed", "422 retry failed (network_rejected)"]],
    );
  });

  it("forgets a CANCELled call whose INVITE never gets a final response, after 64*T1 (RFC 3261 §9.1)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    const { leg, invite, progress } = await call(SDP(40000));
    progress(response(180, "Ringing", {}));
    leg.terminate();
    assert.equal(invite.cancels.length, 1);
    mock.timers.tick(31_999);
    assert.equal(leg.terminated, false);
    mock.timers.tick(1);
    assert.deepEqual(ctx.endedLegs, [leg]);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Ringing"],
      "the services record SessionCancelled for the DELETE themselves",
    );
    await flush();
    assert.ok(anchor.requests.includes("delete call-1"));
  });

  it("ends a DELETEd call without throwing when sip.js refuses its CANCEL", async () => {
    const { leg, progress } = await call(SDP(40000));
    progress(response(180, "Ringing", {}));
    core.cancelError = new Error("Transaction undefined.");
    assert.doesNotThrow(() => leg.terminate());
    assert.deepEqual(ctx.endedLegs, [leg]);
  });

  it("keeps waiting for the device's answer and gives an EngineError when the anchor refuses it", async () => {
    const { leg, accept } = await call(undefined);
    accept(response(200, "OK", {}, SDP(49170)));
    await flush();
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Connected"],
    );
    const rule = anchor.failWhen((op, l) => op === "answer" && l.from === "device");
    await assert.rejects(
      leg.deviceAnswer(SDP(40000)),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.equal(acks.length, 0, "the ACK still waits for an answer");
    rule.stop();
    assert.equal(await leg.deviceAnswer(SDP(40000)), true);
    assert.equal(acks[0]?.body?.content, SDP(40000));
    leg.finish("Terminated", "test over", true);
  });
});

describe("originateCall when the INVITE cannot be sent (fake core, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  let core: FakeCore;
  let legs: Map<string, CallLeg>;
  let ctx: ReturnType<typeof legContext>;
  const host = (connect: () => Promise<void> = async () => undefined) => ({
    ctx: { ...ctx, ended: (leg: CallLeg) => legs.delete(leg.mediaSessionId) },
    legs,
    domain: "lab.test",
    ensureConnected: connect,
    contactFor: (id: string) => `sip:gw@127.0.0.1;rid=${id}`,
    emergencyCalls: true,
  });
  beforeEach(() => {
    anchor = fakeMediaAnchor();
    core = new FakeCore();
    legs = new Map();
    ctx = legContext({ anchor, core });
  });

  it("forgets the call, releases the anchor's call and gives the anchor's EngineError when the device's offer cannot be anchored", async () => {
    anchor.failWhen((op, l) => op === "offer" && l.from === "device");
    await assert.rejects(
      originateCall(host(), origination(SDP(40000))),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.equal(legs.size, 0);
    assert.equal(core.invites.length, 0);
    await flush();
    assert.equal(anchor.requests.filter((r) => r.startsWith("delete ")).length, 1);
    assert.deepEqual(ctx.events, [], "the services report the failure from the EngineError, not an event");
  });

  it("forgets the call and gives an EngineError when sip.js refuses to send the INVITE", async () => {
    core.inviteError = new Error("Transport not connected");
    await assert.rejects(
      originateCall(host(), origination(SDP(40000))),
      (e: unknown) => e instanceof EngineError && e.failure === "network_rejected",
    );
    assert.equal(legs.size, 0);
  });

  it("keeps nothing when the outbound proxy cannot be reached (503 UNAVAILABLE upstream)", async () => {
    await assert.rejects(
      originateCall(
        host(async () => {
          throw new Error("connect ECONNREFUSED");
        }),
        origination(SDP(40000)),
      ),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.equal(legs.size, 0);
    assert.deepEqual(anchor.requests, []);
  });
});
