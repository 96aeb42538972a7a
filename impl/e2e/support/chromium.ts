import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for Debian's Chromium in tests: no sandbox (root in CI), no network chatter of its own,
 * fake capture devices that need no permission prompt, loopback ICE candidates allowed, and audio
 * contexts that start without a user gesture.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  // Web Audio on received media (the demo's DTMF tone listener) without a user gesture.
  "--autoplay-policy=no-user-gesture-required",
];

/**
 * Fails at once when Debian's Chromium is missing. The browser tiers run inside a network namespace
 * where nothing can be installed: `npm run setup` (run by `npm test` first) installs it.
 */
export function ensureChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      "missing Debian package chromium: run `npm run setup` (outside any network namespace) to install the project's prerequisites",
    );
}

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(url: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Refuses to run where the machine has addresses outside 127.0.0.0/8: the browser would offer them as ICE
 * candidates and rtpengine would send connectivity checks there. Browser tiers run inside the
 * loopback-only namespace of scripts/lib/netns-run.sh.
 */
export function assertLoopbackOnly(): void {
  const outside = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a?.address)
    // 127.0.0.0/8 on a non-loopback interface (the namespace's veth for Janus's ICE) never leaves the host.
    .filter((address) => !address?.startsWith("127."));
  if (outside.length > 0)
    throw new Error(
      `browser tests must run in a loopback-only network namespace (found ${outside.join(", ")}); ` +
        "wrap the command with scripts/lib/netns-run.sh",
    );
}

/**
 * Starts headless Chromium with a fresh profile folder, removed on close. `args` come after
 * {@link CHROMIUM_ARGS}, e.g. a certificate pin (--ignore-certificate-errors-spki-list).
 */
export async function launchChromium(
  options: { readonly args?: readonly string[] } = {},
): Promise<TestBrowser> {
  assertLoopbackOnly();
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), "camara-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    viewport: { width: 1000, height: 760 },
  });
  return {
    context,
    async newPage(url) {
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
