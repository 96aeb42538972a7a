/**
 * The Janus (NoSIP) media anchor against real Janus, headless Chromium with bundlePolicy
 * "max-bundle" and a plain RTP echo endpoint: re-offers for hold and resume from either side, SDES-SRTP
 * towards the SIP side, and teardown. Run inside the test namespace:
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/engine/media/janus/janus-anchor.int.test.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import type { Page } from "playwright-core";
import sdpTransform from "sdp-transform";
import { type Janus, startJanus } from "../../../../scripts/lab/janus.ts";
import { fromRoot } from "../../../../scripts/lib/paths.ts";
import type { Direction } from "../../../demo/browser-dom.ts";
import { directionOf, firstCodecs, g, sleep, waitFor } from "../../../e2e/support/anchor-harness.ts";
import { launchChromium, type TestBrowser } from "../../../e2e/support/chromium.ts";
import { type EchoMedia, type MediaKind, RtpEcho } from "../../../e2e/support/rtp-echo.ts";
import { serveTestPage, type TestPage } from "../../../e2e/support/test-page.ts";
import { EngineError } from "../../engine-error.ts";
import type { MediaLeg } from "../../media-anchor.ts";
import { withDirection } from "../../sdp-direction.ts";
import { DEFAULT_MEDIA_POLICY } from "../media-policy.ts";
import type { JanusAnchor } from "./janus-anchor.ts";
import { createJanusAnchorFromConfig } from "./janus-config.ts";

describe("Janus media anchor: re-offers, hold and resume from either side, SDES-SRTP", {
  timeout: 300_000,
}, () => {
  let janus: Janus;
  let chromium: TestBrowser;
  let testPage: TestPage;
  let anchor: JanusAnchor;
  const cleanups: (() => Promise<unknown>)[] = [];

  const anchorWith = (networkTransport: "RTP/AVP" | "RTP/SAVP" = "RTP/AVP") =>
    createJanusAnchorFromConfig(
      { url: janus.wsUrl, adminUrl: janus.adminWsUrl, adminSecret: janus.adminSecret, timeoutMs: 10_000 },
      { policy: { ...DEFAULT_MEDIA_POLICY, networkTransport }, callIdPrefix: "camara-gw-" },
      pino({ level: "silent" }),
    );

  before(async () => {
    chromium = await launchChromium();
    janus = await startJanus();
    testPage = await serveTestPage(fromRoot("impl", "e2e", "support", "peer-page.ts"));
    anchor = anchorWith();
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await anchor?.close();
    await chromium?.close();
    await testPage?.close();
    await janus?.stop();
  });

  async function device(video: boolean): Promise<Page> {
    const page = await chromium.newPage(testPage.url);
    cleanups.push(() => page.close());
    await page.evaluate(
      (o) => {
        g().peer = new (g().WebrtcPeer)(o);
      },
      { video, bundlePolicy: "max-bundle" as const },
    );
    return page;
  }
  const echoFor = async (kinds: MediaKind[]) => {
    const echo = await RtpEcho.start(kinds);
    cleanups.push(() => echo.close());
    return echo;
  };
  const newLeg = (from: MediaLeg["from"]): MediaLeg => {
    const mediaSessionId = randomUUID();
    return { mediaSessionId, callId: `${mediaSessionId}@sip`, from };
  };
  const inboundOver = async (page: Page, windowMs: number) => {
    await sleep(500);
    const before = (await page.evaluate(() => g().peer.stats())).audio;
    await sleep(windowMs);
    const later = (await page.evaluate(() => g().peer.stats())).audio;
    return {
      received: later.packetsReceived - before.packetsReceived,
      sent: later.packetsSent - before.packetsSent,
    };
  };
  const flowing = (page: Page) =>
    waitFor(
      "media",
      () => page.evaluate(() => g().peer.stats()),
      (x) => x.audio.packetsReceived > 50,
    );

  async function outgoingCall(a: JanusAnchor = anchor) {
    const page = await device(false);
    const leg = newLeg("device");
    const browserOffer = await page.evaluate(() => g().peer.createOffer());
    const networkOffer = await a.offer(leg, browserOffer);
    const echo = await echoFor(["audio"]);
    const media = firstCodecs(networkOffer);
    const deviceAnswer = await a.answer({ ...leg, from: "network" }, echo.sdp(media));
    await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    return { page, leg, echo, media, browserOffer, networkOffer, deviceAnswer };
  }

  async function hangUp(leg: MediaLeg, a: JanusAnchor = anchor) {
    await a.delete(leg.callId);
    assert.equal((await anchor.list()).includes(leg.mediaSessionId), false, "Janus still holds the call");
    assert.deepEqual(await anchor.sessions(), [], "a Janus session is left");
  }

  it("the barebone offer is plain RTP/AVP without ICE, DTLS or BUNDLE, and Janus answers the browser bundled", async () => {
    const { leg, networkOffer, deviceAnswer } = await outgoingCall();
    const network = sdpTransform.parse(networkOffer);
    assert.equal(network.media[0]?.protocol, "RTP/AVP");
    assert.doesNotMatch(networkOffer, /a=(ice-ufrag|fingerprint|candidate|group:BUNDLE)/);
    // The m-line's payload order is the policy's preference (codec-filter.ts); red, CN and rtx are gone.
    const audio = network.media[0];
    const byPayload = new Map(audio?.rtp.map((r) => [r.payload, r.codec]));
    const order = String(audio?.payloads)
      .split(" ")
      .map((pt) => byPayload.get(Number(pt)));
    assert.deepEqual(
      order.filter((c) => c !== "telephone-event"),
      ["opus", "G722", "PCMA", "PCMU"],
    );
    assert.match(deviceAnswer, /^a=group:BUNDLE 0$/m);
    assert.match(deviceAnswer, /^a=rtcp-mux$/m);
    assert.match(deviceAnswer, /^a=fingerprint:/m);
    await hangUp(leg);
  });

  it("hold and resume from the device: a sendonly re-offer stops media towards the browser, a sendrecv re-offer resumes it", async () => {
    const { page, leg, echo, media } = await outgoingCall();
    await flowing(page);
    const reoffer = async (
      direction: Direction,
      answerDirection: string,
      echoing: boolean,
      version: number,
    ) => {
      await page.evaluate((d) => g().peer.setDirection(d), direction);
      const networkOffer = await anchor.offer(leg, await page.evaluate(() => g().peer.createOffer()));
      assert.deepEqual(directionOf(networkOffer), [direction]);
      echo.echo = echoing;
      const deviceAnswer = await anchor.answer(
        { ...leg, from: "network" },
        echo.sdp(media, answerDirection, version),
      );
      assert.deepEqual(directionOf(deviceAnswer), [answerDirection]);
      await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    };
    await reoffer("sendonly", "recvonly", false, 2);
    const held = await inboundOver(page, 1500);
    assert.ok(held.received <= 3, `media towards the browser stops on hold (got ${held.received})`);
    assert.ok(held.sent > 20, "the holding browser keeps sending");
    await reoffer("sendrecv", "sendrecv", true, 3);
    const resumed = await inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await hangUp(leg);
  });

  it("hold and resume from the SIP side: a sendonly re-offer makes the browser recvonly and media stops, sendrecv resumes it", async () => {
    const media: EchoMedia[] = [{ kind: "audio", payload: 8, encoding: "PCMA/8000" }];
    const echo = await echoFor(["audio"]);
    const leg = newLeg("network");
    const deviceOffer = await anchor.offer(leg, echo.sdp(media));
    assert.match(deviceOffer, /^a=group:BUNDLE /m);
    const page = await device(false);
    const browserAnswer = await page.evaluate((sdp) => g().peer.acceptOffer(sdp), deviceOffer);
    await anchor.answer({ ...leg, from: "device" }, browserAnswer);
    await flowing(page);
    const reoffer = async (direction: string, version: number) => {
      const offer = await anchor.offer(leg, echo.sdp(media, direction, version));
      assert.deepEqual(directionOf(offer), [direction]);
      const answer = await page.evaluate((sdp) => g().peer.acceptOffer(sdp), offer);
      const networkAnswer = await anchor.answer({ ...leg, from: "device" }, answer);
      assert.deepEqual(directionOf(networkAnswer), [direction === "sendonly" ? "recvonly" : "sendrecv"]);
    };
    await reoffer("sendonly", 2);
    const held = await inboundOver(page, 1500);
    assert.ok(held.sent <= 3, `the browser stops sending on hold (sent ${held.sent})`);
    await reoffer("sendrecv", 3);
    const resumed = await inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await hangUp(leg);
  });

  it("hold from the SIP side answered by the gateway alone (the browser keeps its SDP): no media reaches the browser until sendrecv", async () => {
    const { page, leg, echo, media, browserOffer } = await outgoingCall();
    await flowing(page);
    const remoteReoffer = async (direction: "sendonly" | "sendrecv", version: number) => {
      await anchor.offer({ ...leg, from: "network" }, echo.sdp(media, direction, version));
      const mirrored = withDirection(browserOffer, direction === "sendonly" ? "recvonly" : "sendrecv");
      const networkAnswer = await anchor.answer({ ...leg, from: "device" }, mirrored);
      assert.deepEqual(directionOf(networkAnswer), [direction === "sendonly" ? "recvonly" : "sendrecv"]);
    };
    await remoteReoffer("sendonly", 2);
    const held = await inboundOver(page, 1500);
    assert.ok(held.received <= 3, `no media reaches the browser while held (got ${held.received})`);
    await remoteReoffer("sendrecv", 3);
    const resumed = await inboundOver(page, 1500);
    assert.ok(resumed.received > 20, `media resumes (got ${resumed.received})`);
    await hangUp(leg);
  });

  it("SDES-SRTP towards the SIP side when configured: RTP/SAVP with a=crypto, and media flows", async () => {
    const sdes = anchorWith("RTP/SAVP");
    cleanups.push(() => sdes.close());
    const page = await device(false);
    const leg = newLeg("device");
    const networkOffer = await sdes.offer(leg, await page.evaluate(() => g().peer.createOffer()));
    const audio = sdpTransform.parse(networkOffer).media[0];
    assert.equal(audio?.protocol, "RTP/SAVP");
    const crypto = audio?.crypto?.find((c) => c.suite === "AES_CM_128_HMAC_SHA1_80");
    assert.ok(crypto, "an AES_CM_128_HMAC_SHA1_80 key is offered");
    const echo = await echoFor(["audio"]);
    // The echo reflects Janus's own SRTP, so it answers with the key Janus sends with.
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
      () => page.evaluate(() => g().peer.stats()),
      (x) => x.audio.packetsReceived > 100,
    );
    const q = await sdes.query(leg.mediaSessionId);
    assert.equal(q?.sides.network?.media[0]?.protocol, "RTP/SAVP");
    assert.ok((q?.sides.network?.received.packets ?? 0) > 100);
    await hangUp(leg, sdes);
  });

  it("refuses a SIP offer without a codec of the policy (Janus does not transcode) and holds nothing", async () => {
    const echo = await echoFor(["audio"]);
    const leg = newLeg("network");
    await assert.rejects(
      anchor.offer(leg, echo.sdp([{ kind: "audio", payload: 18, encoding: "G729/8000" }])),
      (error: unknown) => error instanceof EngineError && error.failure === "invalid_sdp",
    );
    assert.deepEqual(await anchor.sessions(), []);
  });
});
