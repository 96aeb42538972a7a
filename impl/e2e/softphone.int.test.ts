/**
 * Browser end-to-end tier: headless Debian Chromium runs the demo softphone served by the real
 * gateway (ENGINE=sip), which uses only the CAMARA APIs and the notification relay; SIPp with RTP
 * echo is the far end through Kamailio. Every call runs once per media anchor, rtpengine and Janus
 * (NoSIP), with the demo's default bundle policy ("balanced"; Janus answers it bundled). Media is
 * proven by packet counts: the browser's getStats() and the anchor's statistics of both sides.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/softphone.int.test.ts
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromRoot } from "../../scripts/lib/paths.ts";
import type { Browser } from "../demo/browser-dom.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eAnchor, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type SoftphoneDriver, softphoneDriver } from "./support/softphone-driver.ts";

const ANCHORS: readonly E2eAnchor[] = ["rtpengine", "janus"];

for (const anchor of ANCHORS)
  describe(`browser calls through the gateway, ${anchor} and Kamailio to SIPp`, { timeout: 600_000 }, () => {
    let stack: E2eStack;
    let chromium: TestBrowser;
    let d: SoftphoneDriver;
    /** Called numbers differ per anchor, so that each stack's SIPp peers stay apart. */
    const number = (n: number) => `+3491100${anchor === "janus" ? "08" : "01"}${String(n).padStart(2, "0")}`;

    before(async () => {
      chromium = await launchChromium();
      stack = await startE2eStack({ anchor });
      d = softphoneDriver(stack, chromium);
    });
    after(async () => {
      await chromium?.close();
      await stack?.close();
    });

    it("outgoing audio call: media both ways, hold stops it, resume restarts it, the browser hangs up", async () => {
      const sipp = await stack.sipp({ scenario: "uas-echo.xml" });
      await stack.lab.setPeer(number(1), `sip:127.0.0.1:${sipp.port};transport=tcp`);
      const page = await d.open(ALICE);
      await page.fill("#dial-number", number(1));
      await page.click("#dial");
      await d.waitStatus(page, ["Connected"]);
      const id = await d.callId(page);
      // Chromium names the inbound codec in its stats a little after packets are counted.
      const s = await d.waitForMedia(
        page,
        (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
        "100 inbound audio packets and their codec",
      );
      assert.equal(s.audio.inboundCodec, "audio/PCMA");
      await d.assertAnchoredBothWays(id);

      await page.click("#hold");
      await d.waitStatus(page, ["Hold"]);
      const held = await d.inboundOver(page);
      assert.ok(held <= 3, `media stops on hold (${held} packets in 1.5 s)`);
      await page.click("#resume");
      await d.waitStatus(page, ["Resume", "Connected"]);
      const resumed = await d.inboundOver(page);
      assert.ok(
        resumed > 20,
        `media resumes (${resumed} packets in 1.5 s)\n${await page.textContent("#log")}\n${JSON.stringify(await stack.media.query(id))}`,
      );

      await page.click("#hangup");
      await d.waitStatus(page, ["Terminated"]);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      assert.ok((await d.relayEvents(page)) > 0, "events arrived through the notification relay");
      await d.signOut(page);
    });

    it("outgoing audio+video call: VP8 and audio both ways; the page is screenshot with a live call", async () => {
      const sipp = await stack.sipp({ scenario: "uas-echo-video.xml" });
      await stack.lab.setPeer(number(2), `sip:127.0.0.1:${sipp.port};transport=tcp`);
      const page = await d.open(ALICE);
      await page.fill("#dial-number", number(2));
      await page.check("#dial-video");
      await page.click("#dial");
      await d.waitStatus(page, ["Connected"]);
      const id = await d.callId(page);
      const s = await d.waitForMedia(
        page,
        (x) => x.audio.packetsReceived > 100 && x.video.packetsReceived > 100 && x.video.inboundCodec !== "",
        "100 inbound audio and video packets and the video codec",
      );
      assert.equal(s.video.inboundCodec, "video/VP8");
      await d.assertAnchoredBothWays(id);
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
      // Written under reports/ (ignored by git); DEMO_SCREENSHOT=docs/demo-screenshot.png refreshes the
      // README's (from the rtpengine run, the default anchor).
      await page.screenshot({
        path: fromRoot(
          anchor === "rtpengine"
            ? (process.env.DEMO_SCREENSHOT ?? "reports/demo-screenshot.png")
            : "reports/demo-screenshot-janus.png",
        ),
        fullPage: true,
      });

      await page.click("#hangup");
      await d.waitStatus(page, ["Terminated"]);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      await d.signOut(page);
    });

    it("incoming call: the browser answers, media flows both ways, the far end hangs up", async () => {
      const page = await d.open(BOB);
      const sipp = await stack.sipp({ scenario: "uac-echo.xml", service: BOB });
      await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
      assert.equal(await page.textContent("#incoming-from"), "tel:+34911000009");
      await page.click("#answer");
      await d.waitStatus(page, ["Connected"]);
      const id = await d.callId(page);
      await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
      await d.assertAnchoredBothWays(id);
      await d.waitStatus(page, ["Terminated"], 30_000);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      await d.signOut(page);
    });

    it(`incoming call declined in the browser: 603 to the caller, and ${anchor} releases the offer it anchored`, async () => {
      const page = await d.open(BOB);
      const sipp = await stack.sipp({ scenario: "uac-declined.xml", service: BOB });
      await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
      const id = await d.callId(page);
      assert.ok(await d.holds(id), "the caller's offer is anchored before the answer");
      await page.click("#decline");
      await d.waitStatus(page, ["Declined"]);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      await d.signOut(page);
    });

    it(`leaves no call in ${anchor} after every teardown`, async () => {
      assert.deepEqual(await stack.media.callIds(), []);
      assert.deepEqual(await stack.anchorSessions(), [], "no Janus session is left");
    });
  });
