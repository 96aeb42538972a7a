/**
 * Browser end-to-end tier with the second media anchor, Janus (MEDIA_ANCHOR=janus, NoSIP plugin):
 * the demo softphone with bundlePolicy "max-bundle" (`/demo?bundle=max-bundle`) places and receives
 * audio and audio+video calls through the real gateway, Janus and Kamailio to SIPp with RTP echo.
 * Media is proven by the browser's getStats() and by Janus's own counters (Admin API handle_info);
 * every teardown path is checked for the CAMARA status and for Janus holding no session afterwards.
 * Also: a restarted gateway destroys the Janus sessions its earlier run left behind.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/janus-calls.int.test.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { createJanusAnchor } from "../engine/media/janus/janus-anchor.ts";
import { lazyJanusConnection, openJanusConnection } from "../engine/media/janus/janus-connection.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";

/** SIP_INVITE_TIMEOUT_MS of this file's gateway. */
const NO_ANSWER_MS = 8000;

/** An incoming call's offer as a SIP phone sends it (an "earlier run" anchored it). */
const PHONE_OFFER = [
  "v=0",
  "o=phone 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40000 RTP/AVP 8",
  "a=rtpmap:8 PCMA/8000",
  "",
].join("\r\n");

const MAX_BUNDLE = { bundlePolicy: "max-bundle" } as const;

describe("max-bundle browser calls through the gateway, Janus (NoSIP) and Kamailio to SIPp", {
  timeout: 900_000,
}, () => {
  let stack: E2eStack;
  let chromium: TestBrowser;
  let d: SoftphoneDriver;
  const leftBehind: string[] = [];
  let earlierRun: { close(): Promise<void> } | undefined;

  before(async () => {
    chromium = await launchChromium();
    stack = await startE2eStack({
      anchor: "janus",
      env: { SIP_INVITE_TIMEOUT_MS: String(NO_ANSWER_MS) },
      async beforeGatewayJanus(janus) {
        // An earlier gateway whose sessions Janus still holds: its WebSocket stays open (a hung
        // process), so only the new gateway's reclaim can remove them.
        const anchor = createJanusAnchor({
          api: lazyJanusConnection(() => openJanusConnection({ url: janus.wsUrl })),
        });
        for (let i = 0; i < 2; i++) {
          const mediaSessionId = randomUUID();
          await anchor.offer(
            { mediaSessionId, callId: `${mediaSessionId}@sip`, from: "network" },
            PHONE_OFFER,
          );
          leftBehind.push(mediaSessionId);
        }
        earlierRun = anchor;
      },
    });
    d = softphoneDriver(stack, chromium);
  });
  after(async () => {
    await earlierRun?.close();
    await chromium?.close();
    await stack?.close();
  });

  /** Janus holds no session and no handle of the call (Admin API), within 5 s of the teardown. */
  async function assertNoJanusSession(mediaSessionId: string) {
    await d.assertReleased(mediaSessionId);
    const held = async () => (await stack.media.list()).includes(mediaSessionId);
    for (let i = 0; i < 20 && (await held()); i++) await sleep(250);
    assert.equal(await held(), false, "Janus still holds the call's NoSIP handle");
  }

  /** Janus's counters: over 100 packets from the browser and over 100 towards it (all from SIPp), per kind. */
  async function assertJanusCounted(mediaSessionId: string, kinds: readonly ("audio" | "video")[]) {
    const q = await stack.media.query(mediaSessionId);
    assert.ok(q, `Janus holds the call ${mediaSessionId}`);
    for (const kind of kinds) {
      const fromBrowser = q.sides.device?.media.find((m) => m.type === kind)?.received.packets ?? 0;
      const fromSip = q.sides.network?.media.find((m) => m.type === kind)?.received.packets ?? 0;
      assert.ok(fromBrowser > 100, `${kind} packets from the browser (to SIPp): ${fromBrowser}`);
      assert.ok(fromSip > 100, `${kind} packets from SIPp (to the browser): ${fromSip}`);
    }
    assert.ok(q.sides.device?.media.every((m) => m.flags.includes("BUNDLE")));
  }

  async function dial(page: Page, number: string, video = false) {
    await page.fill("#dial-number", number);
    if (video) await page.check("#dial-video");
    await page.click("#dial");
    await page.waitForSelector('#call-status:not([data-status="idle"])', { timeout: 20_000 });
    return d.callId(page);
  }

  it("on start, the gateway destroys the Janus sessions an earlier run left behind", async () => {
    assert.equal(leftBehind.length, 2);
    const stillHeld = async () => {
      const held = await stack.media.list();
      return leftBehind.filter((id) => held.includes(id));
    };
    const logged = () => stack.gateway.logs.find((l) => l.includes("janus calls left by an earlier run"));
    for (let i = 0; i < 40 && ((await stillHeld()).length > 0 || !logged()); i++) await sleep(250);
    assert.deepEqual(await stillHeld(), [], "sessions of the earlier run still in Janus");
    const entry = JSON.parse(logged() ?? "{}") as { msg?: string; mediaSessionIds?: string[] };
    assert.equal(entry.msg, "deleted janus calls left by an earlier run");
    assert.deepEqual(entry.mediaSessionIds?.sort(), [...leftBehind].sort());
    assert.deepEqual(await stack.anchorSessions(), [], "no Janus session is left");
  });

  it("outgoing audio call from a max-bundle page: media both ways, hold stops it, resume restarts it, the browser hangs up", async () => {
    const sipp = await stack.sipp({ scenario: "uas-echo.xml" });
    await stack.lab.setPeer("+34911000501", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000501");
    await d.waitStatus(page, ["Connected"]);
    const s = await d.waitForMedia(
      page,
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
      "100 inbound audio packets and their codec",
    );
    assert.equal(s.audio.inboundCodec, "audio/PCMA");
    await assertJanusCounted(id, ["audio"]);

    await page.click("#hold");
    await d.waitStatus(page, ["Hold"]);
    const held = await d.inboundOver(page);
    assert.ok(held <= 3, `media stops on hold (${held} packets in 1.5 s)`);
    await page.click("#resume");
    await d.waitStatus(page, ["Resume", "Connected"]);
    const resumed = await d.inboundOver(page);
    assert.ok(resumed > 20, `media resumes (${resumed} packets in 1.5 s)\n${await page.textContent("#log")}`);

    await page.click("#hangup");
    await d.waitStatus(page, ["Terminated"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("outgoing audio+video call from a max-bundle page: PCMA and VP8 both ways on one bundled transport", async () => {
    const sipp = await stack.sipp({ scenario: "uas-echo-video.xml" });
    await stack.lab.setPeer("+34911000502", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000502", true);
    await d.waitStatus(page, ["Connected"]);
    const s = await d.waitForMedia(
      page,
      (x) => x.audio.packetsReceived > 100 && x.video.packetsReceived > 100 && x.video.inboundCodec !== "",
      "100 inbound audio and video packets and the video codec",
    );
    assert.equal(s.video.inboundCodec, "video/VP8");
    assert.equal(s.audio.inboundCodec, "audio/PCMA");
    await assertJanusCounted(id, ["audio", "video"]);
    await page.click("#hangup");
    await d.waitStatus(page, ["Terminated"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("incoming audio call to a max-bundle page: the browser answers, media flows both ways, the far end hangs up", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-echo.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    await page.click("#answer");
    await d.waitStatus(page, ["Connected"]);
    const id = await d.callId(page);
    await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
    await assertJanusCounted(id, ["audio"]);
    await d.waitStatus(page, ["Terminated"], 30_000);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("incoming audio+video call to a max-bundle page: audio and VP8 both ways, the far end hangs up", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-echo-video.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    await page.click("#answer");
    await d.waitStatus(page, ["Connected"]);
    const id = await d.callId(page);
    const s = await d.waitForMedia(
      page,
      (x) => x.audio.packetsReceived > 100 && x.video.packetsReceived > 100,
      "100 inbound audio and video packets",
    );
    assert.equal(s.audio.inboundCodec, "audio/PCMA");
    await assertJanusCounted(id, ["audio", "video"]);
    await d.waitStatus(page, ["Terminated"], 30_000);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("the browser hangs up an outgoing call while it rings: CANCEL, SessionCancelled, no Janus session", async () => {
    const sipp = await stack.sipp({
      scenario: "uas-ringing-cancel.xml",
      template: { reason: "SIP;cause=487" },
    });
    await stack.lab.setPeer("+34911000503", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000503");
    await d.waitStatus(page, ["Ringing"]);
    assert.ok(await d.holds(id), "the browser's offer is anchored in Janus while the call rings");
    await page.click("#hangup");
    await d.waitStatus(page, ["SessionCancelled"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("the far end refuses an outgoing call with 486: Busy, no Janus session", async () => {
    const sipp = await stack.sipp({ scenario: "uas-refuse.xml", template: { code: 486 } });
    await stack.lab.setPeer("+34911000504", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000504");
    await d.waitStatus(page, ["Busy"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("nobody answers an outgoing call: the no-answer timer CANCELs it, NoAnswer, no Janus session", async () => {
    const sipp = await stack.sipp({
      scenario: "uas-ringing-cancel.xml",
      template: { reason: "Q\\.850;cause=19" },
    });
    await stack.lab.setPeer("+34911000505", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000505");
    await d.waitStatus(page, ["NoAnswer"], NO_ANSWER_MS + 20_000);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("an incoming call declined in the browser: 603, Declined, Janus releases the offer it anchored", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-declined.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    const id = await d.callId(page);
    assert.ok(await d.holds(id), "the caller's offer is anchored in Janus before the answer");
    await page.click("#decline");
    await d.waitStatus(page, ["Declined"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("the caller cancels an incoming call before the browser answers: SessionCancelled, no Janus session", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-cancel.xml", service: BOB, template: { wait_ms: 4000 } });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    const id = await d.callId(page);
    await d.waitStatus(page, ["SessionCancelled"]);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("the far end hangs up while the browser holds the call: BYE, Terminated, no Janus session", async () => {
    const sipp = await stack.sipp({ scenario: "uas-hold-bye.xml" });
    await stack.lab.setPeer("+34911000506", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    const id = await dial(page, "+34911000506");
    await d.waitStatus(page, ["Connected"]);
    await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
    await assertJanusCounted(id, ["audio"]);
    await page.click("#hold");
    await d.waitStatus(page, ["Hold"]);
    await d.waitStatus(page, ["Terminated"], 30_000);
    await d.assertSippPassed(sipp);
    await assertNoJanusSession(id);
    await d.signOut(page);
  });

  it("leaves no Janus session and no NoSIP handle after every teardown", async () => {
    await earlierRun?.close();
    earlierRun = undefined;
    assert.deepEqual(await stack.media.callIds(), []);
    assert.deepEqual(await stack.anchorSessions(), []);
  });
});
