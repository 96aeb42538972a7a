import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { EngineError } from "../../engine-error.ts";
import type { MediaAnchor, MediaLeg } from "../../media-anchor.ts";
import { anchorTimeout, type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { connectedTestLeg, type FakeDialog, legContext, SDP, type TestLeg } from "../testing/fake-sip.ts";

/** A browser's SDP (ICE credentials, DTLS) with one audio section. */
const BROWSER = (ufrag: string, direction = "sendrecv", version = 1) =>
  [
    "v=0",
    `o=- 77 ${version} IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "m=audio 50000 UDP/TLS/RTP/SAVPF 111 8 101",
    "c=IN IP4 127.0.0.1",
    "a=mid:0",
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${ufrag}-password-0123456789`,
    "a=fingerprint:sha-256 AA:BB",
    "a=setup:actpass",
    `a=${direction}`,
    "a=rtpmap:111 opus/48000/2",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000",
    "",
  ].join("\r\n");
const NETWORK = SDP(49170);

describe("an ICE restart from the device stays between the device and the media anchor (fake dialog, fake anchor)", () => {
  let fake: FakeMediaAnchor;
  let restarts: Array<{ leg: MediaLeg; offer: string; network: string }>;
  let refuse: Error | undefined;
  let ctx: ReturnType<typeof legContext>;
  let leg: TestLeg;
  let dialog: FakeDialog;

  const start = (anchor: MediaAnchor) => {
    ctx = legContext({ anchor });
    ({ leg, dialog } = connectedTestLeg(ctx));
    leg.sdp.restore({ device: BROWSER("aaaa"), network: NETWORK });
  };
  beforeEach(() => {
    fake = fakeMediaAnchor();
    restarts = [];
    refuse = undefined;
    start({
      offer: fake.offer,
      answer: fake.answer,
      delete: fake.delete,
      async restartDevice(l, offer, network) {
        restarts.push({ leg: l, offer, network });
        if (refuse) throw refuse;
        return "v=0 the anchor's answer with its new credentials";
      },
    });
  });
  afterEach(() => leg.finish("Terminated", "test over", true));

  it("answers a re-offer with new ICE credentials through the anchor alone: no re-INVITE, the answer in a session status", async () => {
    await leg.changeMedia(BROWSER("bbbb", "sendrecv", 2), "Connected");
    assert.equal(dialog.invites.length, 0, "no re-INVITE towards the network");
    assert.deepEqual(restarts, [
      {
        leg: { mediaSessionId: "m-1", callId: "call-1", correlator: leg.correlator, from: "device" },
        offer: BROWSER("bbbb", "sendrecv", 2),
        network: NETWORK,
      },
    ]);
    assert.deepEqual(ctx.events.at(-1), {
      mediaSessionId: "m-1",
      status: "Connected",
      reason: "ICE restart answered by the media anchor (no re-INVITE)",
      answerSdp: "v=0 the anchor's answer with its new credentials",
    });
    assert.equal(leg.sdp.device, BROWSER("bbbb", "sendrecv", 2), "the restart offer is the device's SDP now");
    assert.ok(leg.offerAnswer.is("idle"), "the exchange is over");
  });

  it("sends a re-INVITE when the re-offer also changes the media (hold with new credentials)", async () => {
    await leg.changeMedia(BROWSER("bbbb", "sendonly", 2), "Hold");
    assert.equal(dialog.invites.length, 1);
    assert.deepEqual(restarts, []);
  });

  it("sends a re-INVITE for a re-offer keeping its credentials", async () => {
    await leg.changeMedia(BROWSER("aaaa", "sendrecv", 2), "Connected");
    assert.equal(dialog.invites.length, 1);
    assert.deepEqual(restarts, []);
  });

  it("sends a re-INVITE when the anchor cannot restart ICE on its own (no anchor: the device's ICE is the network's)", async () => {
    start({ offer: fake.offer, answer: fake.answer, delete: fake.delete });
    await leg.changeMedia(BROWSER("bbbb", "sendrecv", 2), "Connected");
    assert.equal(dialog.invites.length, 1);
  });

  it("leaves the call as it was when the anchor refuses the restart: the error to the client, nothing sent", async () => {
    refuse = anchorTimeout();
    await assert.rejects(leg.changeMedia(BROWSER("bbbb", "sendrecv", 2), "Connected"), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.failure, "network_unreachable");
      return true;
    });
    assert.equal(dialog.invites.length, 0);
    assert.equal(leg.sdp.device, BROWSER("aaaa"));
    assert.ok(leg.offerAnswer.is("idle"), "a later offer may go");
    assert.equal(ctx.events.length, 0);
  });

  it("refuses a restart while another offer/answer exchange is under way (glare)", async () => {
    leg.offerAnswer.apply({ name: "offer-received", in: "re-INVITE" });
    await assert.rejects(leg.changeMedia(BROWSER("bbbb", "sendrecv", 2), "Connected"), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.failure, "glare");
      return true;
    });
    assert.deepEqual(restarts, []);
    leg.offerAnswer.apply({ name: "offer-dropped" });
  });
});
