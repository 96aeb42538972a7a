import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { EngineListener, IncomingCall as Invitation } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { fakeInvite, flush, legContext, SDP } from "../testing/fake-sip.ts";
import type { CallLeg } from "./call-leg.ts";
import { offerIncomingInvite } from "./incoming-invite.ts";

describe("offerIncomingInvite when the caller, the media anchor or the services fail (fakes)", () => {
  let anchor: FakeMediaAnchor;
  let ctx: ReturnType<typeof legContext>;
  let legs: Map<string, CallLeg>;
  let invitations: Invitation[];
  let take: (call: Invitation) => Promise<void>;
  const host = () => ({
    ctx: { ...ctx, ended: (leg: CallLeg) => legs.delete(leg.mediaSessionId) },
    legs,
    listener: (): EngineListener => ({
      incomingCall: (call) => take(call),
      sessionChanged: async () => undefined,
      registrationEnded: async () => undefined,
    }),
    bindingFor: () => ({ registrationId: "r-1", phoneNumber: "+34600000001" }),
    contactFor: () => "sip:gw@127.0.0.1",
    fromTrustedPeer: () => true,
    untrustedPai: "strip" as const,
  });
  const codes = (invite: ReturnType<typeof fakeInvite>) => invite.responses.map((r) => r.code);
  beforeEach(() => {
    anchor = fakeMediaAnchor();
    ctx = legContext({ anchor });
    legs = new Map();
    invitations = [];
    take = async (call) => {
      invitations.push(call);
    };
  });

  it("offers an INVITE to the services with the anchored offer", async () => {
    const invite = fakeInvite({}, SDP(49170));
    await offerIncomingInvite(host(), invite.request);
    assert.equal(invitations.length, 1);
    assert.equal(invitations[0]?.offerSdp, SDP(49170));
    assert.equal(invitations[0]?.originatorAddress, "tel:+34911000002");
    assert.deepEqual(codes(invite), [100]);
    assert.equal(legs.size, 1);
  });

  it("publishes no invitation for an INVITE CANCELled while its offer is anchored, and releases the anchor's call", async () => {
    const invite = fakeInvite({}, SDP(49170));
    const hold = anchor.holdWhen((op, l) => op === "offer" && l.from === "network");
    const offering = offerIncomingInvite(host(), invite.request);
    await hold.reached;
    invite.cancel();
    hold.release();
    await offering;
    assert.deepEqual(invitations, []);
    assert.deepEqual(codes(invite), [100, 487]);
    assert.equal(legs.size, 0);
    // Once at the CANCEL, once more after the offer came back (it may have re-created the call).
    await anchor.deleted("call-1", 2);
    assert.deepEqual(ctx.events, [], "the client never hears of a call it was never offered");
  });

  it("answers 488 with a Reason to an INVITE whose offer the anchor refuses, and offers nothing", async () => {
    anchor.failWhen(() => true, new EngineError("invalid_sdp", "rtpengine: parse SDP"));
    const invite = fakeInvite({}, SDP(49170));
    await offerIncomingInvite(host(), invite.request);
    assert.deepEqual(invite.responses.at(-1), {
      code: 488,
      headers: ['Reason: SIP;cause=488;text="Anchoring the offer in the INVITE failed"'],
      body: undefined,
    });
    assert.deepEqual(invitations, []);
    assert.equal(legs.size, 0);
    await anchor.deleted("call-1");
    assert.deepEqual(ctx.events, []);
  });

  it("answers 500 with Retry-After when the anchor does not answer", async () => {
    anchor.failWhen(() => true);
    const invite = fakeInvite({}, SDP(49170));
    await offerIncomingInvite(host(), invite.request);
    assert.deepEqual(codes(invite), [100, 500]);
    assert.ok(invite.responses[1]?.headers.includes("Retry-After: 5"));
  });

  it("answers 480 and releases the anchor's call when the services cannot take the call", async () => {
    take = async () => {
      throw new Error("SQLITE_BUSY: database is locked");
    };
    const invite = fakeInvite({}, SDP(49170));
    await offerIncomingInvite(host(), invite.request);
    assert.deepEqual(codes(invite), [100, 480]);
    assert.equal(legs.size, 0);
    await anchor.deleted("call-1");
    assert.deepEqual(ctx.events, []);
  });

  it("reports a CANCEL that arrives while the invitation is being published after it, not before", async () => {
    let publish: () => void = () => undefined;
    take = (call) => {
      invitations.push(call);
      return new Promise((resolve) => {
        publish = resolve;
      });
    };
    const invite = fakeInvite({}, SDP(49170));
    const offering = offerIncomingInvite(host(), invite.request);
    await flush();
    assert.equal(invitations.length, 1);
    invite.cancel('Q.850;cause=16;text="Normal call clearing"');
    await flush();
    assert.equal(ctx.events.length, 0, "the session is not stored yet: a status now would be lost");
    publish();
    await offering;
    assert.deepEqual(
      ctx.events.map((e) => [e.mediaSessionId, e.status]),
      [[invitations[0]?.mediaSessionId, "SessionCancelled"]],
    );
  });

  it("survives an INVITE it can no longer answer", async () => {
    const invite = fakeInvite({}, SDP(49170));
    take = async () => {
      invite.gone = true;
      throw new Error("store closed");
    };
    await offerIncomingInvite(host(), invite.request);
    assert.equal(legs.size, 0);
    assert.match(ctx.logs.join("\n"), /could not be offered: Error: store closed/);
  });
});
