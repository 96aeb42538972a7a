import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Softphone } from "../../demo/softphone.ts";
import type { PeerStats } from "../../demo/webrtc-peer.ts";
import type { TestBrowser } from "./chromium.ts";
import type { E2eStack } from "./e2e-stack.ts";

interface SoftphoneWindow {
  softphone: Softphone;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drives the demo softphone (/demo) in Chromium as a person would, through its controls, and looks
 * at the rest of the chain the way the e2e tests need: the page's status and log, the browser's
 * WebRTC statistics, and what rtpengine holds.
 */
export function softphoneDriver(stack: E2eStack, chromium: TestBrowser) {
  /**
   * Opens /demo (with `?bundle=max-bundle` for that bundle policy) and registers `phone`; resolves
   * once the page is idle (registered).
   */
  async function open(
    phone: string,
    options: { bundlePolicy?: "balanced" | "max-bundle" } = {},
  ): Promise<Page> {
    const query = options.bundlePolicy === "max-bundle" ? "?bundle=max-bundle" : "";
    const page = await chromium.newPage(`${stack.origin}/demo${query}`);
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

  /** Waits until the page shows one of `statuses` as the call status (what the CAMARA events said). */
  async function waitStatus(page: Page, statuses: string[], timeout = 20_000): Promise<void> {
    const selector = statuses.map((s) => `#call-status[data-status="${s}"]`).join(", ");
    await page.waitForSelector(selector, { timeout }).catch(async (error: Error) => {
      const shown = await page.getAttribute("#call-status", "data-status");
      const gatewayLog = stack.gateway.logs.slice(-12).join("\n");
      throw new Error(
        `${error.message}\nstatus ${shown}; ${await page.textContent("#error")}\n${await page.textContent("#log")}\ngateway:\n${gatewayLog}`,
      );
    });
  }

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
  async function assertAnchoredBothWays(mediaSessionId: string): Promise<void> {
    const q = await stack.media.query(mediaSessionId);
    assert.ok(q, `rtpengine holds the call ${mediaSessionId}`);
    assert.equal(q.sides.network?.media[0]?.protocol, "RTP/AVP");
    assert.equal(q.sides.device?.media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    const fromSip = q.sides.network?.received.packets ?? 0;
    const toSip = q.sides.device?.received.packets ?? 0;
    assert.ok(fromSip > 100, `packets from the SIP side: ${fromSip}`);
    assert.ok(toSip > 100, `packets towards the SIP side: ${toSip}`);
  }

  const holds = async (mediaSessionId: string) => (await stack.media.list()).includes(mediaSessionId);

  /** rtpengine no longer holds the call (ng `list` and `query`), within 5 s of the teardown. */
  async function assertReleased(mediaSessionId: string): Promise<void> {
    for (let i = 0; i < 20 && (await holds(mediaSessionId)); i++) await sleep(250);
    assert.equal(await holds(mediaSessionId), false, "rtpengine released the call");
    assert.equal(await stack.media.query(mediaSessionId), undefined, "rtpengine has no statistics left");
  }

  const callId = async (page: Page) => (await page.textContent("#call-id"))?.trim() ?? "";

  /** Unregisters (DELETE registration) and closes the page, so the next test's device is the only contact. */
  async function signOut(page: Page): Promise<void> {
    await page.click("#unregister");
    await page.waitForSelector('body[data-state="signed-out"]', { timeout: 10_000 });
    await page.close();
  }

  const relayEvents = (page: Page): Promise<number> =>
    page.evaluate(() => (globalThis as unknown as SoftphoneWindow).softphone.relayEvents);

  /** SIPp passed its scenario (exit code 0), or the assertion shows why not. */
  async function assertSippPassed(run: {
    done: Promise<{ code: number | null; errors: string; messages: string }>;
  }): Promise<void> {
    const result = await run.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
  }

  return {
    open,
    stats,
    waitStatus,
    waitForMedia,
    inboundOver,
    assertAnchoredBothWays,
    holds,
    assertReleased,
    callId,
    signOut,
    relayEvents,
    assertSippPassed,
  };
}

export type SoftphoneDriver = ReturnType<typeof softphoneDriver>;
