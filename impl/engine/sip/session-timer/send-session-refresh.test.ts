import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { EngineError } from "../../engine-error.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
import { anchorTimeout, type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import {
  connectedTestLeg,
  type FakeDialog,
  flush,
  legContext,
  SDP,
  type TestLeg,
} from "../testing/fake-sip.ts";
import { sendSessionRefresh } from "./send-session-refresh.ts";

const SE = { "Session-Expires": "90;refresher=uac" };
const MOVED = SDP(49172, "sendrecv", 2); // the far end's media moved: new port, o= version + 1
const invalidSdp = () => new EngineError("invalid_sdp", "media anchor answer failed (rtpengine: parse SDP)");

describe("the answer to a session refresh re-INVITE (RFC 4028 §10, RFC 3264 §8; fake dialog, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  /** Every SDP the anchor was given as an answer from the network, in order. */
  let networkAnswers: string[];
  let ctx: ReturnType<typeof legContext>;
  let dialog: FakeDialog;
  let leg: TestLeg;
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  /** The gateway refreshes (the peer allows no UPDATE, so by re-INVITE); the peer answers it. */
  const refreshAnswered = async (code: number, sdp?: string) => {
    const before = dialog.invites.length;
    sendSessionRefresh(leg);
    const reinvite = dialog.invites[before];
    assert.ok(reinvite, "a refresh re-INVITE was sent");
    assert.equal(reinvite.body, SDP(40000), "the refresh offers the unchanged SDP");
    reinvite.answer(code, SE, sdp);
    await flush();
  };

  beforeEach(() => {
    unhandled = [];
    process.on("unhandledRejection", onUnhandled);
    anchor = fakeMediaAnchor();
    networkAnswers = [];
    const recording: MediaAnchor = {
      offer: (l, sdp) => anchor.offer(l, sdp),
      answer: (l, sdp) => {
        if (l.from === "network") networkAnswers.push(sdp);
        return anchor.answer(l, sdp);
      },
      delete: (callId) => anchor.delete(callId),
    };
    ctx = legContext({ anchor: recording });
    ({ leg, dialog } = connectedTestLeg(ctx));
    leg.sdp.restore({ networkOrigin: "x 1 1 IN IP4 127.0.0.1", remote: SDP(49170) }); // the o= line of SDP(49170), the call's answer
  });
  afterEach(() => {
    leg.finish("Terminated", "test over", true);
    process.off("unhandledRejection", onUnhandled);
  });

  it("hands a changed answer (new port, o= version + 1) to the anchor once, as an answer from the network, and keeps it as the remote SDP", async () => {
    await refreshAnswered(200, MOVED);
    assert.deepEqual(anchor.requests, ["answer network m-1"]);
    assert.deepEqual(networkAnswers, [MOVED]);
    assert.equal(leg.sdp.networkOrigin, "x 1 2 IN IP4 127.0.0.1");
    assert.equal(leg.sdp.remote, MOVED);
    assert.equal(leg.offerPending, false);
    assert.equal(dialog.acksSent, 1);
    assert.deepEqual(dialog.byes, []);
    // The device made no offer, so it is sent no answer (RFC 3264 §2); the change is only logged.
    assert.deepEqual(ctx.events, []);
    assert.ok(ctx.logs.some((l) => /^info .*device-side SDP; the device is not sent it/.test(l)));
    assert.equal(leg.terminated, false);
    assert.deepEqual(unhandled, []);
  });

  it("leaves the anchor alone for a 2xx without a body or with the o= line the network last sent, and compares with the answer it last took", async () => {
    await refreshAnswered(200); // no body: the offer was in the re-INVITE, the ACK carries nothing
    await refreshAnswered(200, SDP(49170)); // the same o= line: the same session (RFC 3264 §8)
    assert.deepEqual(anchor.requests, []);
    await refreshAnswered(200, MOVED);
    assert.deepEqual(anchor.requests, ["answer network m-1"]);
    await refreshAnswered(200, MOVED); // unchanged since the answer taken last
    assert.deepEqual(anchor.requests, ["answer network m-1"]);
    assert.deepEqual(networkAnswers, [MOVED]);
    assert.equal(dialog.acksSent, 4);
    assert.deepEqual(dialog.byes, []);
    assert.deepEqual(ctx.events, []);
  });

  for (const [failure, error, cause] of [
    ["refuses the answer", invalidSdp(), 488],
    ["does not answer", anchorTimeout(), 500],
  ] as const)
    it(`ends the call with BYE (Reason cause=${cause}) and Failed when the anchor ${failure}, without an unhandled rejection`, async () => {
      anchor.failWhen((op, l) => op === "answer" && l.from === "network", error);
      await refreshAnswered(200, MOVED);
      assert.equal(dialog.acksSent, 1);
      assert.deepEqual(dialog.byes, [
        [`Reason: SIP;cause=${cause};text="Anchoring the answer to the session refresh failed"`],
      ]);
      assert.deepEqual(ctx.events, [
        {
          mediaSessionId: "m-1",
          status: "Failed",
          reason: `Anchoring the answer to the session refresh failed (${error.failure}); BYE sent`,
        },
      ]);
      assert.equal(leg.terminated, true);
      await anchor.deleted("call-1");
      assert.deepEqual(unhandled, []);
    });

  for (const [what, body] of [
    ["is not SDP", "this is no session description"],
    ["has a malformed o= line", SDP(49172).replace("o=x 1 1 IN IP4 127.0.0.1", "o=garbage")],
    ["has a non-numeric sess-version", SDP(49172).replace("o=x 1 1 ", "o=x 1 two ")],
  ] as const)
    it(`ACKs a refresh 2xx whose answer ${what}, then ends the call with BYE (Reason cause=488) and Failed (RFC 3261 §13.2.2.4)`, async () => {
      sendSessionRefresh(leg);
      dialog.invites[0]?.answer(200, SE, body);
      assert.equal(dialog.acksSent, 1, "the ACK goes first, whatever the answer");
      assert.deepEqual(dialog.byes, []);
      await flush();
      assert.deepEqual(dialog.byes, [
        ['Reason: SIP;cause=488;text="Anchoring the answer to the session refresh failed"'],
      ]);
      assert.deepEqual(ctx.events, [
        {
          mediaSessionId: "m-1",
          status: "Failed",
          reason: "Anchoring the answer to the session refresh failed (invalid_sdp); BYE sent",
        },
      ]);
      assert.deepEqual(networkAnswers, [], "an answer that cannot be read never reaches the anchor");
      assert.deepEqual(unhandled, []);
    });

  it("releases the anchor's call again when the call ended while the changed answer was anchored", {
    timeout: 5000,
  }, async () => {
    const hold = anchor.holdWhen((op, l) => op === "answer" && l.from === "network");
    sendSessionRefresh(leg);
    dialog.invites[0]?.answer(200, SE, MOVED);
    await hold.reached;
    leg.finish("Terminated", "BYE"); // the far end hung up meanwhile: first release
    hold.release();
    await anchor.deleted("call-1", 2);
    assert.deepEqual(dialog.byes, []);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Terminated"],
    );
    assert.deepEqual(unhandled, []);
  });
});
