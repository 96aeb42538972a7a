/**
 * Browser end-to-end tier: headless Debian Chromium runs the demo softphone served by the real
 * gateway (ENGINE=sip, media anchored by rtpengine), which uses only the CAMARA APIs and the
 * notification relay; SIPp with RTP echo is the far end through Kamailio. Media is proven by
 * packet counts: the browser's getStats() and rtpengine's statistics of the SIP side.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/softphone.int.test.ts
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { fromRoot } from "../../scripts/lib/paths.ts";
import type { Browser } from "../demo/browser-dom.ts";
import type { Softphone } from "../demo/softphone.ts";
import type { PeerStats } from "../demo/webrtc-peer.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";

interface SoftphoneWindow {
  softphone: Softphone;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("browser calls through the gateway, rtpengine and Kamailio to SIPp", { timeout: 600_000 }, () => {
  let stack: E2eStack;
  let chromium: TestBrowser;

  before(async () => {
    chromium = await launchChromium();
    stack = await startE2eStack();
  });
  after(async () => {
    await chromium?.close();
    await stack?.close();
  });

  async function openSoftphone(phone: string): Promise<Page> {
    const page = await chromium.newPage(`${stack.origin}/demo`);
    await page.fill("#phone", phone);
    await page.click("#register");
    await page.waitForSelector('body[data-state="idle"]', { timeout: 20_000 }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}\npage error: ${await page.textContent("#error")}\n${await page.textContent("#log")}`,
      );
    });
    return page;
  }
  const stats = (page: Page): Promise<PeerStats | undefined> =>
    page.evaluate(() => (globalThis as unknown as SoftphoneWindow).softphone.stats());
  const waitStatus = async (page: Page, statuses: string[], timeout = 20_000) => {
    const selector = statuses.map((s) => `#call-status[data-status="${s}"]`).join(", ");
    await page.waitForSelector(selector, { timeout }).catch(async (error: Error) => {
      const shown = await page.getAttribute("#call-status", "data-status");
      const gatewayLog = stack.gateway.logs.slice(-12).join("\n");
      throw new Error(
        `${error.message}\nstatus ${shown}; ${await page.textContent("#error")}\n${await page.textContent("#log")}\ngateway:\n${gatewayLog}`,
      );
    });
  };
  async function waitForMedia(
    page: Page,
    enough: (s: PeerStats) => boolean,
    what: string,
  ): Promise<PeerStats> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = await stats(page);
      if (s && enough(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(s)}`);
      await sleep(250);
    }
  }
  /** Packets the browser receives over a window, after in-flight packets have landed. */
  async function inboundOver(page: Page, windowMs = 1500): Promise<number> {
    await sleep(500);
    const first = (await stats(page))?.audio.packetsReceived ?? 0;
    await sleep(windowMs);
    return ((await stats(page))?.audio.packetsReceived ?? 0) - first;
  }
  /** rtpengine saw over 100 packets from each side of the call. */
  async function assertAnchoredBothWays(mediaSessionId: string) {
    const q = await stack.media.query(mediaSessionId);
    assert.ok(q, `rtpengine holds the call ${mediaSessionId}`);
    assert.equal(q.sides.network?.media[0]?.protocol, "RTP/AVP");
    assert.equal(q.sides.device?.media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    const fromSip = q.sides.network?.received.packets ?? 0;
    const toSip = q.sides.device?.received.packets ?? 0;
    assert.ok(fromSip > 100, `packets from the SIP side: ${fromSip}`);
    assert.ok(toSip > 100, `packets towards the SIP side: ${toSip}`);
  }
  async function assertReleased(mediaSessionId: string) {
    for (let i = 0; i < 20 && (await stack.media.list()).includes(mediaSessionId); i++) await sleep(250);
    assert.equal((await stack.media.list()).includes(mediaSessionId), false, "rtpengine released the call");
  }
  const callId = async (page: Page) => (await page.textContent("#call-id"))?.trim() ?? "";
  /** Unregisters (DELETE registration) and closes the page, so the next test's device is the only contact. */
  async function signOut(page: Page) {
    await page.click("#unregister");
    await page.waitForSelector('body[data-state="signed-out"]', { timeout: 10_000 });
    await page.close();
  }

  it("outgoing audio call: media both ways, hold stops it, resume restarts it, the browser hangs up", async () => {
    const sipp = await stack.sipp({ scenario: "uas-echo.xml" });
    await stack.lab.setPeer("+34911000101", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await openSoftphone(ALICE);
    await page.fill("#dial-number", "+34911000101");
    await page.click("#dial");
    await waitStatus(page, ["Connected"]);
    const id = await callId(page);
    // Chromium names the inbound codec in its stats a little after packets are counted.
    const s = await waitForMedia(
      page,
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
      "100 inbound audio packets and their codec",
    );
    assert.equal(s.audio.inboundCodec, "audio/PCMA");
    await assertAnchoredBothWays(id);

    await page.click("#hold");
    await waitStatus(page, ["Hold"]);
    const held = await inboundOver(page);
    assert.ok(held <= 3, `media stops on hold (${held} packets in 1.5 s)`);
    await page.click("#resume");
    await waitStatus(page, ["Resume", "Connected"]);
    const resumed = await inboundOver(page);
    assert.ok(
      resumed > 20,
      `media resumes (${resumed} packets in 1.5 s)\n${await page.textContent("#log")}\n${JSON.stringify(await stack.media.query(id))}`,
    );

    await page.click("#hangup");
    await waitStatus(page, ["Terminated"]);
    const result = await sipp.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
    await assertReleased(id);
    assert.ok(
      await page.evaluate(() => (globalThis as unknown as SoftphoneWindow).softphone.relayEvents > 0),
      "events arrived through the notification relay",
    );
    await signOut(page);
  });

  it("outgoing audio+video call: VP8 and audio both ways; the page is screenshot with a live call", async () => {
    const sipp = await stack.sipp({ scenario: "uas-echo-video.xml" });
    await stack.lab.setPeer("+34911000102", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await openSoftphone(ALICE);
    await page.fill("#dial-number", "+34911000102");
    await page.check("#dial-video");
    await page.click("#dial");
    await waitStatus(page, ["Connected"]);
    const id = await callId(page);
    const s = await waitForMedia(
      page,
      (x) => x.audio.packetsReceived > 100 && x.video.packetsReceived > 100 && x.video.inboundCodec !== "",
      "100 inbound audio and video packets and the video codec",
    );
    assert.equal(s.video.inboundCodec, "video/VP8");
    await assertAnchoredBothWays(id);
    const q = await stack.media.query(id);
    assert.ok((q?.sides.network?.media.find((m) => m.type === "video")?.received.packets ?? 0) > 100);

    // The screenshot shows the DOM state asserted here.
    await page.waitForFunction(
      () =>
        Number((globalThis as unknown as Browser).document.getElementById("stats-video-in")?.textContent) >
        100,
    );
    assert.equal(await page.textContent("#call-status"), "Connected");
    assert.match((await page.textContent("#registration")) ?? "", /registered as \+34600000001/);
    assert.match((await page.textContent("#stats-codec")) ?? "", /audio\/PCMA, video\/VP8/);
    assert.equal(await page.isDisabled("#dial"), true, "no second call while one is up");
    assert.equal(await page.isEnabled("#hold"), true);
    assert.equal(await page.isDisabled("#resume"), true);
    await page.screenshot({ path: fromRoot("docs", "demo-screenshot.png"), fullPage: true });

    await page.click("#hangup");
    await waitStatus(page, ["Terminated"]);
    assert.equal((await sipp.done).code, 0);
    await assertReleased(id);
    await signOut(page);
  });

  it("incoming call: the browser answers, media flows both ways, the far end hangs up", async () => {
    const page = await openSoftphone(BOB);
    const sipp = await stack.sipp({ scenario: "uac-echo.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    assert.equal(await page.textContent("#incoming-from"), "tel:+34911000009");
    await page.click("#answer");
    await waitStatus(page, ["Connected"]);
    const id = await callId(page);
    await waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
    await assertAnchoredBothWays(id);
    await waitStatus(page, ["Terminated"], 30_000);
    const result = await sipp.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
    await assertReleased(id);
    await signOut(page);
  });

  it("incoming call declined in the browser: 603 to the caller, and rtpengine releases the offer it anchored", async () => {
    const page = await openSoftphone(BOB);
    const sipp = await stack.sipp({ scenario: "uac-declined.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    const id = await callId(page);
    assert.ok((await stack.media.list()).includes(id), "the caller's offer is anchored before the answer");
    await page.click("#decline");
    await waitStatus(page, ["Terminated", "Declined"]);
    const result = await sipp.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
    await assertReleased(id);
    await signOut(page);
  });

  it("leaves no call in rtpengine after every teardown", async () => {
    assert.deepEqual(await stack.media.list(), []);
  });
});
