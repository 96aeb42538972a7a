/**
 * Browser end-to-end tier, a max-bundle page (`/demo?bundle=max-bundle`) with the rtpengine anchor:
 * Debian's rtpengine 10.5 cannot bundle, so an offer that needs BUNDLE (audio+video on one
 * transport) is refused with 400 INVALID_ARGUMENT naming the limitation, before anything reaches the
 * network; an audio call (one m-line, declared bundled towards the browser) works in both directions;
 * an incoming audio+video call, which the gateway cannot know the page will refuse, is declined by
 * the page (603) when the browser refuses rtpengine's unbundled offer.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/max-bundle-rtpengine.int.test.ts
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type SoftphoneDriver, softphoneDriver } from "./support/softphone-driver.ts";

const MAX_BUNDLE = { bundlePolicy: "max-bundle" } as const;

describe("max-bundle pages with the rtpengine anchor", { timeout: 600_000 }, () => {
  let stack: E2eStack;
  let chromium: TestBrowser;
  let d: SoftphoneDriver;

  before(async () => {
    chromium = await launchChromium();
    stack = await startE2eStack();
    d = softphoneDriver(stack, chromium);
  });
  after(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it("an audio+video call from a max-bundle page is refused with 400 INVALID_ARGUMENT naming the limitation", async () => {
    const page = await d.open(ALICE, MAX_BUNDLE);
    await page.fill("#dial-number", "+34911000601");
    await page.check("#dial-video");
    await page.click("#dial");
    await page.waitForFunction(() => {
      const text = (
        globalThis as unknown as {
          document: { getElementById(id: string): { textContent: string | null } | null };
        }
      ).document.getElementById("error")?.textContent;
      return Boolean(text);
    });
    const error = (await page.textContent("#error")) ?? "";
    assert.match(
      error,
      /^400 INVALID_ARGUMENT: .*"max-bundle".*rtpengine 10\.5.*"balanced".*MEDIA_ANCHOR=janus/,
    );
    assert.equal(await page.getAttribute("#call-status", "data-status"), "idle", "no call was created");
    assert.deepEqual(await stack.media.callIds(), [], "nothing was anchored");
    await d.signOut(page);
  });

  it("an audio call from a max-bundle page works: rtpengine's single m-line is declared bundled", async () => {
    const sipp = await stack.sipp({ scenario: "uas-echo.xml" });
    await stack.lab.setPeer("+34911000602", `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE, MAX_BUNDLE);
    await page.fill("#dial-number", "+34911000602");
    await page.click("#dial");
    await d.waitStatus(page, ["Connected"]);
    const id = await d.callId(page);
    await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
    await d.assertAnchoredBothWays(id);
    await page.click("#hangup");
    await d.waitStatus(page, ["Terminated"]);
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  it("an incoming audio call to a max-bundle page works", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-echo.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
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

  it("an incoming audio+video call to a max-bundle page: the browser refuses rtpengine's unbundled offer and the page declines (603)", async () => {
    const page = await d.open(BOB, MAX_BUNDLE);
    const sipp = await stack.sipp({ scenario: "uac-video-declined.xml", service: BOB });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    const id = await d.callId(page);
    await page.click("#answer");
    await d.waitStatus(page, ["Declined"]);
    assert.match(
      (await page.textContent("#error")) ?? "",
      /declined: the browser cannot accept the offer .*bundle/i,
    );
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  it("leaves no call in rtpengine", async () => {
    assert.deepEqual(await stack.media.callIds(), []);
  });
});
