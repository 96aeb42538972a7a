import type { Page } from "playwright-core";
import type { TestBrowser } from "./chromium.ts";
import type { JssipPage, JssipState, JssipStats } from "./jssip-ua.ts";
import { sleep } from "./softphone-driver.ts";
import { serveTestPage, type TestPage } from "./test-page.ts";

/** The browser entry bundled for the JsSIP page. */
const ENTRY = new URL("./jssip-ua.ts", import.meta.url).pathname;

/** Serves the JsSIP page on localhost (JsSIP and the entry bundled by esbuild). */
export const serveJssipPage = (): Promise<TestPage> => serveTestPage(ENTRY);

/**
 * Chromium's argument that trusts one certificate by its public key (the SIP edge's, issued by the
 * development CA): certificate errors are ignored for chains holding that key only, and verification
 * stays on for everything else (Chromium honours it with a --user-data-dir, which every test profile has).
 */
export const pinCertificate = (spkiSha256: string): string =>
  `--ignore-certificate-errors-spki-list=${spkiSha256}`;

/** The page's globals; functions passed to page.evaluate run in the page, so each names them itself. */
interface JssipWindow {
  jssip: JssipPage;
}

/**
 * Drives a JsSIP page in Chromium: opens it, registers the user over wss://, and reads its call state
 * and WebRTC statistics.
 */
export async function openJssip(
  browser: TestBrowser,
  page: TestPage,
  user: { wssUrl: string; uri: string; password: string },
) {
  const tab = await browser.newPage(page.url);
  const errors: string[] = [];
  const debug = process.env.JSSIP_DEBUG === "1";
  tab.on("console", (m) => {
    if (debug || m.type() === "error") errors.push(m.text());
  });
  tab.on("pageerror", (e) => errors.push(e.message));
  await tab.evaluate((u) => (globalThis as unknown as JssipWindow).jssip.register(u), { ...user, debug });
  const state = (): Promise<JssipState> =>
    tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.state());
  const stats = (): Promise<JssipStats | undefined> =>
    tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.stats());

  /** Waits until `ok(state)`, or fails with the state and the page's errors. */
  async function waitFor(
    what: string,
    ok: (s: JssipState) => boolean,
    timeoutMs = 20_000,
  ): Promise<JssipState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await state();
      if (ok(s)) return s;
      if (Date.now() > deadline)
        throw new Error(
          `JsSIP page: timed out waiting for ${what}; state ${JSON.stringify(s)}\n${errors.join("\n")}`,
        );
      await sleep(100);
    }
  }

  async function waitForMedia(min: number): Promise<JssipStats> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = await stats();
      if (s && s.packetsReceived > min && s.packetsSent > min && s.inboundCodec !== "") return s;
      if (Date.now() > deadline)
        throw new Error(`JsSIP page: timed out waiting for media; last ${JSON.stringify(s)}`);
      await sleep(250);
    }
  }

  /** Packets the page receives over a window, after in-flight packets have landed. */
  async function inboundOver(windowMs = 1500): Promise<number> {
    await sleep(500);
    const first = (await stats())?.packetsReceived ?? 0;
    await sleep(windowMs);
    return ((await stats())?.packetsReceived ?? 0) - first;
  }

  await waitFor("registration", (s) => s.registered || s.registrationError !== "");
  const registered = await state();
  if (!registered.registered) throw new Error(`JsSIP did not register: ${registered.registrationError}`);
  return {
    page: tab as Page,
    state,
    stats,
    waitFor,
    waitForMedia,
    inboundOver,
    call: (target: string) =>
      tab.evaluate((t) => (globalThis as unknown as JssipWindow).jssip.call(t), target),
    answer: () => tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.answer()),
    hold: () => tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.hold()),
    unhold: () => tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.unhold()),
    hangup: () => tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.hangup()),
    async close() {
      await tab.evaluate(() => (globalThis as unknown as JssipWindow).jssip.unregister());
      await waitFor("de-registration", (s) => !s.registered, 10_000);
      await tab.close();
    },
  };
}

export type JssipDriver = Awaited<ReturnType<typeof openJssip>>;
