import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import sdpTransform from "sdp-transform";
import { type Rtpengine, startRtpengine } from "../../../scripts/lab/rtpengine.ts";
import { fromRoot } from "../../../scripts/lib/paths.ts";
import type { PeerStats } from "../../demo/webrtc-peer.ts";
import { createNgClient, type NgClient } from "../../engine/media/ng-client.ts";
import { createRtpengineAnchor, type RtpengineAnchor } from "../../engine/media/rtpengine-anchor.ts";
import type { MediaLeg } from "../../engine/media-anchor.ts";
import { launchChromium, type TestBrowser } from "./chromium.ts";
import type { PeerPage } from "./peer-page.ts";
import { type EchoMedia, type MediaKind, RtpEcho } from "./rtp-echo.ts";
import { serveTestPage, type TestPage } from "./test-page.ts";

export const g = () => globalThis as unknown as PeerPage;

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first payload of each m= line of an SDP, with its encoding, as a plain endpoint would answer. */
export function firstCodecs(sdp: string): EchoMedia[] {
  return sdpTransform.parse(sdp).media.map((m) => {
    const payload = Number(String(m.payloads).split(" ")[0]);
    const rtp = m.rtp.find((r) => r.payload === payload);
    assert.ok(rtp, `payload ${payload} has an rtpmap`);
    const encoding = `${rtp.codec}/${rtp.rate}${rtp.encoding ? `/${rtp.encoding}` : ""}`;
    return { kind: m.type as MediaKind, payload, encoding };
  });
}

export const directionOf = (sdp: string) =>
  sdpTransform.parse(sdp).media.map((m) => m.direction ?? "sendrecv");

/**
 * The media anchor's integration harness: rtpengine, headless Chromium on a test page exposing
 * WebrtcPeer, and plain RTP echo endpoints standing in for SIP phones; everything a test creates is
 * released on close.
 */
export async function startAnchorHarness() {
  const chromium: TestBrowser = await launchChromium();
  const cleanups: (() => Promise<unknown>)[] = [];
  let engine: Rtpengine | undefined;
  let ng: NgClient | undefined;
  let testPage: TestPage | undefined;
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await chromium.close();
    await testPage?.close();
    await ng?.close();
    await engine?.stop();
  };
  try {
    engine = await startRtpengine();
    ng = createNgClient({ host: engine.ngHost, port: engine.ngPort });
    testPage = await serveTestPage(fromRoot("impl", "e2e", "support", "peer-page.ts"));
  } catch (error) {
    await close();
    throw error;
  }
  const pageUrl = testPage.url;
  const anchor: RtpengineAnchor = createRtpengineAnchor({ ng });

  async function device(options: { video: boolean; audioCodecs?: string[] }): Promise<Page> {
    const page = await chromium.newPage(pageUrl);
    cleanups.push(() => page.close());
    await page.evaluate((o) => {
      g().peer = new (g().WebrtcPeer)(o);
    }, options);
    return page;
  }
  const stats = (page: Page): Promise<PeerStats> => page.evaluate(() => g().peer.stats());
  const newLeg = (): MediaLeg => {
    const leg: MediaLeg = {
      mediaSessionId: randomUUID(),
      callId: `${randomUUID()}@127.0.0.1`,
      from: "device",
    };
    cleanups.push(() => anchor.delete(leg.mediaSessionId));
    return leg;
  };
  const echoFor = async (kinds: MediaKind[]) => {
    const echo = await RtpEcho.start(kinds);
    cleanups.push(() => echo.close());
    return echo;
  };

  /** Browser offers, the SIP side (echo) answers with the first codec of each line; returns all parts. */
  async function outgoingCall(options: { video: boolean; audioCodecs?: string[]; a?: RtpengineAnchor }) {
    const a = options.a ?? anchor;
    const page = await device(options);
    const browserOffer = await page.evaluate(() => g().peer.createOffer());
    const leg = newLeg();
    const networkOffer = await a.offer(leg, browserOffer);
    const echo = await echoFor(options.video ? ["audio", "video"] : ["audio"]);
    const media = firstCodecs(networkOffer);
    const networkAnswer = echo.sdp(media);
    const deviceAnswer = await a.answer({ ...leg, from: "network" }, networkAnswer);
    await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    return { page, leg, echo, media, browserOffer, networkOffer, deviceAnswer };
  }

  /** Deletes the call and proves rtpengine no longer holds it. */
  async function hangUp(leg: MediaLeg, a: RtpengineAnchor = anchor) {
    // By SIP Call-ID, as the SIP engine knows it; the anchor maps it to the media session.
    await a.delete(leg.callId);
    assert.equal((await anchor.list()).includes(leg.mediaSessionId), false, "rtpengine still holds the call");
    assert.equal(await anchor.query(leg.mediaSessionId), undefined);
  }

  async function incomingCall(media: EchoMedia[], options: { video: boolean }) {
    const echo = await echoFor(media.map((m) => m.kind));
    const leg: MediaLeg = { ...newLeg(), from: "network" };
    const deviceOffer = await anchor.offer(leg, echo.sdp(media));
    const page = await device(options);
    const browserAnswer = await page.evaluate((sdp) => g().peer.acceptOffer(sdp), deviceOffer);
    const networkAnswer = await anchor.answer({ ...leg, from: "device" }, browserAnswer);
    return { page, leg, echo, deviceOffer, browserAnswer, networkAnswer };
  }

  /** Packets the browser receives in a window, after letting in-flight packets land. */
  async function inboundOver(page: Page, windowMs: number, kind: "audio" | "video" = "audio") {
    await sleep(500);
    const before = (await stats(page))[kind];
    await sleep(windowMs);
    const afterStats = (await stats(page))[kind];
    return {
      received: afterStats.packetsReceived - before.packetsReceived,
      sent: afterStats.packetsSent - before.packetsSent,
    };
  }

  return {
    engine,
    ng,
    anchor,
    device,
    stats,
    newLeg,
    echoFor,
    outgoingCall,
    incomingCall,
    hangUp,
    inboundOver,
    close,
  };
}

export type AnchorHarness = Awaited<ReturnType<typeof startAnchorHarness>>;
