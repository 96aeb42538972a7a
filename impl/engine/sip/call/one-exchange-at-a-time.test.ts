import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { EngineError } from "../../engine-error.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
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

const SE = { "Session-Expires": "90;refresher=uac" };
/** RFC 3261 §14.2, RFC 3311 §5.2: "a randomly chosen value between 0 and 10 seconds". */
const RETRY_AFTER = /^Retry-After: ([0-9]|10)$/;
const glare = (e: unknown) => e instanceof EngineError && e.failure === "glare";
const answerFromNetwork = (op: string, l: { from: string }) => op === "answer" && l.from === "network";

describe("one offer/answer exchange at a time in the media anchor (RFC 3264 §4; fake dialog, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  /** Anchor requests under way now, and the most ever under way at once. */
  let inFlight: number;
  let mostInFlight: number;
  let ctx: ReturnType<typeof legContext>;
  let dialog: FakeDialog;
  let leg: TestLeg;
  /** Answers to remote UPDATEs, as [code, headers]. */
  let updateResponses: Array<[number, string[]]>;
  const update = (sdp?: string) =>
    answerRemoteOffer(leg, "UPDATE", message({}, sdp) as never, (code, _body, headers) => {
      updateResponses.push([code, headers ?? []]);
    });

  /** The device puts the call on hold; the network answers and the anchor holds that answer. */
  const holdAnswerHeldInAnchor = async () => {
    const held = anchor.holdWhen(answerFromNetwork);
    await leg.hold(true, undefined);
    dialog.invites[0]?.answer(200, SE, SDP(49170, "recvonly", 2));
    await held.reached;
    return held;
  };

  beforeEach(() => {
    anchor = fakeMediaAnchor();
    inFlight = 0;
    mostInFlight = 0;
    updateResponses = [];
    const counted = (work: () => Promise<string>): Promise<string> => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      return work().finally(() => {
        inFlight -= 1;
      });
    };
    const counting: MediaAnchor = {
      offer: (l, sdp) => counted(() => anchor.offer(l, sdp)),
      answer: (l, sdp) => counted(() => anchor.answer(l, sdp)),
      delete: (callId) => anchor.delete(callId),
    };
    ctx = legContext({ anchor: counting });
    ({ leg, dialog } = connectedTestLeg(ctx));
    leg.sdp.restore({ remote: SDP(49170), networkOrigin: "x 1 1 IN IP4 127.0.0.1" });
  });
  afterEach(() => {
    leg.finish("Terminated", "test over", true);
    mock.timers.reset();
  });

  it("refuses a network re-INVITE offer with 500 and Retry-After while the answer to its hold re-INVITE is in the media anchor (RFC 3261 §14.2)", async () => {
    const held = await holdAnswerHeldInAnchor();
    const response = await dialog.reinvite({}, SDP(49180, "sendrecv", 3));
    assert.equal(response.code, 500);
    assert.equal(response.headers.length, 1);
    assert.match(response.headers[0] ?? "", RETRY_AFTER);
    assert.deepEqual(anchor.requests, ["offer device m-1", "answer network m-1"]);
    held.release();
    await flush();
    assert.deepEqual(
      ctx.events.map((e) => [e.status, e.reason, e.answerSdp]),
      [["Hold", "200 OK (re-INVITE)", SDP(49170, "recvonly", 2)]],
    );
    // Once the anchor has the answer, the retried offer is taken as usual.
    assert.equal((await dialog.reinvite({}, SDP(49180, "sendrecv", 3))).code, 200);
    assert.deepEqual(anchor.requests, [
      "offer device m-1",
      "answer network m-1",
      "offer network m-1",
      "answer device m-1",
    ]);
    assert.equal(mostInFlight, 1);
  });

  it("refuses a network UPDATE offer with 500 and Retry-After while the answer is in the media anchor (RFC 3311 §5.2)", async () => {
    const held = await holdAnswerHeldInAnchor();
    await update(SDP(49180, "sendrecv", 3));
    assert.equal(updateResponses.length, 1);
    assert.equal(updateResponses[0]?.[0], 500);
    assert.match(updateResponses[0]?.[1].join("\n") ?? "", RETRY_AFTER);
    assert.deepEqual(anchor.requests, ["offer device m-1", "answer network m-1"]);
    held.release();
    await flush();
    assert.equal(mostInFlight, 1);
  });

  it("refuses a network re-INVITE without an offer with 500 while the answer is in the media anchor: its 2xx would carry a new offer", async () => {
    const held = await holdAnswerHeldInAnchor();
    const response = await dialog.reinvite({});
    assert.equal(response.code, 500);
    assert.match(response.headers.join("\n"), RETRY_AFTER);
    assert.equal(leg.offerPending, false);
    held.release();
    await flush();
    assert.equal(mostInFlight, 1);
  });

  it("refuses a device resume (glare → 409) while the answer to its hold is in the media anchor, and sends nothing", async () => {
    const held = await holdAnswerHeldInAnchor();
    await assert.rejects(leg.hold(false, undefined), glare);
    assert.equal(dialog.invites.length, 1);
    assert.deepEqual(anchor.requests, ["offer device m-1", "answer network m-1"]);
    held.release();
    await flush();
    assert.equal(dialog.invites.length, 1, "the refused change was not queued");
    // Once the anchor has the answer, the device's retry goes out as usual.
    await leg.hold(false, undefined);
    assert.equal(dialog.invites.length, 2);
    assert.match(dialog.invites[1]?.body ?? "", /a=sendrecv/);
    assert.equal(mostInFlight, 1);
  });

  it("holds a device resume back while the answer to its hold is in the media anchor, and sends it once the exchange ends (RFC 3261 §14.1)", async () => {
    ctx = legContext({ anchor: ctx.anchor, deviceTurnWaitMs: 5000 });
    ({ leg, dialog } = connectedTestLeg(ctx));
    leg.sdp.restore({ remote: SDP(49170), networkOrigin: "x 1 1 IN IP4 127.0.0.1" });
    const held = await holdAnswerHeldInAnchor();
    let resumed = false;
    const resume = leg.hold(false, undefined).then(() => {
      resumed = true;
    });
    await flush();
    assert.equal(resumed, false, "the resume waits for the hold's exchange");
    assert.equal(dialog.invites.length, 1, "nothing sent while the exchange is under way");
    held.release();
    await resume;
    assert.equal(dialog.invites.length, 2);
    assert.match(dialog.invites[1]?.body ?? "", /a=sendrecv/);
    assert.equal(mostInFlight, 1);
  });

  it("refuses an UPDATE offer and a device change while the answer in the ACK is in the media anchor (RFC 3261 §13.2.1)", async () => {
    const ours = await dialog.reinvite({}); // no offer: ours goes in the 2xx, the answer in the ACK
    assert.equal(ours.code, 200);
    const held = anchor.holdWhen(answerFromNetwork);
    dialog.ack(SDP(49170, "sendrecv", 2));
    await held.reached;
    await update(SDP(49180, "sendrecv", 3));
    assert.equal(updateResponses[0]?.[0], 500);
    await assert.rejects(leg.hold(true, undefined), glare);
    assert.deepEqual(anchor.requests, ["answer network m-1"]);
    assert.equal(dialog.invites.length, 0);
    held.release();
    await flush();
    assert.equal(mostInFlight, 1);
  });

  it("defers the session refresh while the answer is in the media anchor, then refreshes (RFC 4028 §10)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    const held = await holdAnswerHeldInAnchor(); // its 2xx set a 90 s interval, we refresh
    mock.timers.tick(45_000);
    assert.equal(dialog.invites.length, 1, "no refresh re-INVITE while the anchor takes the answer");
    held.release();
    await flush();
    mock.timers.tick(45_000);
    assert.equal(dialog.invites.length, 2);
    assert.equal(dialog.invites[1]?.body, leg.sdp.local, "the refresh offers the session as it now is");
    assert.equal(mostInFlight, 1);
  });

  it("refuses a network UPDATE offer with 500 and a device change while a re-INVITE's offer is in the media anchor (RFC 3311 §5.2)", async () => {
    const held = anchor.holdWhen((op, l) => op === "offer" && l.from === "network");
    const reinvite = dialog.reinvite({}, SDP(49180, "sendonly", 2));
    await held.reached;
    const refused = update(SDP(49190, "sendrecv", 3));
    await flush();
    assert.equal(updateResponses.length, 1);
    assert.equal(updateResponses[0]?.[0], 500);
    assert.match(updateResponses[0]?.[1].join("\n") ?? "", RETRY_AFTER);
    await assert.rejects(leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected"), glare);
    assert.equal(dialog.invites.length, 0);
    held.release();
    assert.equal((await reinvite).code, 200);
    await refused;
    assert.equal(leg.answerOwed, false);
    assert.deepEqual(anchor.requests, ["offer network m-1", "answer device m-1"]);
    assert.deepEqual(
      ctx.events.map((e) => e.status),
      ["Hold"],
    );
    assert.equal(mostInFlight, 1);
  });
});
