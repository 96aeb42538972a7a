/**
 * Hold and resume through the media anchor, from either side, and SDES-SRTP towards the SIP side:
 * real rtpengine, headless Chromium and a plain RTP echo endpoint on loopback. Run inside the
 * loopback-only namespace: scripts/lib/netns-run.sh e2e node --import tsx --test <this file>.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sdpTransform from "sdp-transform";
import type { Direction } from "../../demo/browser-dom.ts";
import {
  type AnchorHarness,
  directionOf,
  firstCodecs,
  g,
  startAnchorHarness,
  waitFor,
} from "../../e2e/support/anchor-harness.ts";
import type { EchoMedia } from "../../e2e/support/rtp-echo.ts";
import { withDirection } from "../sdp-direction.ts";
import { DEFAULT_MEDIA_POLICY } from "./media-policy.ts";
import { createRtpengineAnchor } from "./rtpengine-anchor.ts";

describe("rtpengine media anchor: hold, resume and SDES-SRTP", { timeout: 300_000 }, () => {
  let h: AnchorHarness;
  before(async () => {
    h = await startAnchorHarness();
  });
  after(async () => h?.close());

  it("hold and resume from the device: a sendonly re-offer stops media towards the browser, a sendrecv re-offer resumes it", async () => {
    const { page, leg, echo, media } = await h.outgoingCall({ video: false });
    await waitFor(
      "media",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 50,
    );
    const reoffer = async (
      direction: Direction,
      answerDirection: string,
      echoing: boolean,
      version: number,
    ) => {
      await page.evaluate((d) => g().peer.setDirection(d), direction);
      const networkOffer = await h.anchor.offer(leg, await page.evaluate(() => g().peer.createOffer()));
      assert.deepEqual(directionOf(networkOffer), [direction]);
      echo.echo = echoing;
      const deviceAnswer = await h.anchor.answer(
        { ...leg, from: "network" },
        echo.sdp(media, answerDirection, version),
      );
      assert.deepEqual(directionOf(deviceAnswer), [answerDirection]);
      await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    };
    await reoffer("sendonly", "recvonly", false, 2);
    const held = await h.inboundOver(page, 1500);
    assert.ok(held.received <= 3, `media towards the browser stops on hold (got ${held.received})`);
    assert.ok(held.sent > 20, "the holding browser keeps sending");
    await reoffer("sendrecv", "sendrecv", true, 3);
    const resumed = await h.inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await h.hangUp(leg);
  });

  it("hold and resume from the SIP side: a sendonly re-offer makes the browser recvonly and media stops, sendrecv resumes it", async () => {
    const media: EchoMedia[] = [{ kind: "audio", payload: 0, encoding: "PCMU/8000" }];
    const { page, leg, echo } = await h.incomingCall(media, { video: false });
    await waitFor(
      "media",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 50,
    );
    const reoffer = async (direction: string, version: number) => {
      const deviceOffer = await h.anchor.offer(leg, echo.sdp(media, direction, version));
      assert.deepEqual(directionOf(deviceOffer), [direction]);
      const browserAnswer = await page.evaluate((sdp) => g().peer.acceptOffer(sdp), deviceOffer);
      const networkAnswer = await h.anchor.answer({ ...leg, from: "device" }, browserAnswer);
      assert.deepEqual(directionOf(networkAnswer), [direction === "sendonly" ? "recvonly" : "sendrecv"]);
    };
    await reoffer("sendonly", 2);
    const held = await h.inboundOver(page, 1500);
    assert.ok(held.sent <= 3, `the browser stops sending on hold (sent ${held.sent})`);
    assert.ok(held.received <= 3, `no media reaches the browser on hold (got ${held.received})`);
    await reoffer("sendrecv", 3);
    const resumed = await h.inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await h.hangUp(leg);
  });

  it("hold from the SIP side answered by the gateway alone (the browser keeps its SDP): rtpengine stops media both ways until sendrecv", async () => {
    const { page, leg, echo, media, browserOffer } = await h.outgoingCall({ video: false });
    await waitFor(
      "media",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 50,
    );
    // What the SIP engine does on a remote re-INVITE: offer through the anchor, answer at once with
    // the device's last SDP, direction mirrored (RFC 3264 §6.1); the echo keeps echoing like SIPp.
    const remoteReoffer = async (direction: "sendonly" | "sendrecv", version: number) => {
      await h.anchor.offer({ ...leg, from: "network" }, echo.sdp(media, direction, version));
      const mirrored = withDirection(browserOffer, direction === "sendonly" ? "recvonly" : "sendrecv");
      const networkAnswer = await h.anchor.answer({ ...leg, from: "device" }, mirrored);
      assert.deepEqual(directionOf(networkAnswer), [direction === "sendonly" ? "recvonly" : "sendrecv"]);
    };
    await remoteReoffer("sendonly", 2);
    const held = await h.inboundOver(page, 1500);
    assert.ok(held.sent > 20, "the browser, never told, keeps sending");
    assert.ok(held.received <= 3, `no media reaches the browser while held (got ${held.received})`);
    await remoteReoffer("sendrecv", 3);
    const resumed = await h.inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await h.hangUp(leg);
  });

  it("SDES-SRTP towards the SIP side when configured: RTP/SAVP with a=crypto, and media flows", async () => {
    const sdes = createRtpengineAnchor({
      ng: h.ng,
      policy: { ...DEFAULT_MEDIA_POLICY, networkTransport: "RTP/SAVP" },
    });
    const page = await h.device({ video: false });
    const leg = h.newLeg();
    const networkOffer = await sdes.offer(leg, await page.evaluate(() => g().peer.createOffer()));
    const audio = sdpTransform.parse(networkOffer).media[0];
    assert.equal(audio?.protocol, "RTP/SAVP");
    assert.equal(networkOffer.includes("a=fingerprint"), false, "no DTLS towards the SIP side");
    const crypto = audio?.crypto?.find((c) => c.suite === "AES_CM_128_HMAC_SHA1_80");
    assert.ok(crypto, "an AES_CM_128_HMAC_SHA1_80 key is offered");
    const echo = await h.echoFor(["audio"]);
    // The echo reflects rtpengine's own SRTP, so it answers with the key rtpengine sends with.
    const answer = echo.sdp([
      {
        ...(firstCodecs(networkOffer)[0] as EchoMedia),
        crypto: `${crypto.id} ${crypto.suite} ${crypto.config}`,
      },
    ]);
    await page.evaluate(
      (sdp) => g().peer.acceptAnswer(sdp),
      await sdes.answer({ ...leg, from: "network" }, answer),
    );
    await waitFor(
      "100 inbound packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100,
    );
    const q = await sdes.query(leg.mediaSessionId);
    assert.ok((q?.sides.network?.received.packets ?? 0) > 100);
    await h.hangUp(leg, sdes);
  });
});
