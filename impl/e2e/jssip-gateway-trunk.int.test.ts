/**
 * The gateway as a trunk behind the SIP edge (SIP_REGISTRATION_MODE=trunk): it registers nothing;
 * the edge reaches its API devices' numbers through the dispatcher set of gateway nodes (the
 * settings' `gateway`) and trusts the node by source address. JsSIP (wss://) and the demo softphone
 * call each other through it; audio both ways by getStats; nothing left in rtpengine.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/jssip-gateway-trunk.int.test.ts
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { type EdgeLab, startEdgeLab } from "../../scripts/lab/edge.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { openJssip, pinCertificate, serveJssipPage } from "./support/jssip-page.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";
import type { TestPage } from "./support/test-page.ts";

const CAROL = "+34600000009";
const CAROL_PASSWORD = "carol-secret";

describe("the gateway in trunk mode behind the SIP edge's dispatcher set, with JsSIP on wss://", {
  timeout: 600_000,
}, () => {
  let stack: E2eStack;
  let edge: EdgeLab;
  let chromium: TestBrowser;
  let jssipPage: TestPage;
  let d: SoftphoneDriver;

  before(async () => {
    const gatewaySipPort = await freePort();
    stack = await startE2eStack({
      env: { SIP_REGISTRATION_MODE: "trunk", SIP_LOCAL_PORT: String(gatewaySipPort) },
      async sipNetwork({ dir, rtpengine }) {
        const ca = ensureDevCa(join(dir, "dev-ca"));
        edge = await startEdgeLab({
          // Only the browser user is a subscriber: the API devices live behind the gateway node.
          credentials: new Map([[CAROL, CAROL_PASSWORD]]),
          rtpengineNg: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
          certPem: ca.serverCertPem,
          keyPem: ca.serverKeyPem,
          wssPort: await freePort(),
          trustedSources: ["127.0.0.1"],
          gateway: {
            numberPrefixes: [ALICE, BOB],
            // The node's Contact (sip:gw@host:port): it answers the edge's OPTIONS pings for that user.
            nodes: [`sip:gw@127.0.0.1:${gatewaySipPort};transport=tcp`],
          },
          dir,
        });
        return edge;
      },
    });
    chromium = await launchChromium({ args: [pinCertificate(edge.certificateSpki)] });
    jssipPage = await serveJssipPage();
    d = softphoneDriver(stack, chromium);
  });
  after(async () => {
    await chromium?.close();
    await jssipPage?.close();
    await stack?.close();
  });

  const carol = () =>
    openJssip(chromium, jssipPage, {
      wssUrl: edge.wssUrl,
      uri: `sip:${CAROL}@${edge.domain}`,
      password: CAROL_PASSWORD,
    });

  async function assertNothingInRtpengine(): Promise<void> {
    for (let i = 0; i < 20 && (await stack.media.callIds()).length > 0; i++) await sleep(250);
    assert.deepEqual(await stack.media.callIds(), [], "rtpengine holds no call");
  }

  it("JsSIP calls an API device: the edge sends the number to the gateway node, audio both ways", async () => {
    const device = await d.open(ALICE);
    assert.equal((await edge.registrations(ALICE)).includes("rid="), false, "trunk mode registers nothing");
    const jssip = await carol();
    await jssip.call(`sip:${ALICE}@${edge.domain}`);
    await device.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    await device.click("#answer");
    await d.waitStatus(device, ["Connected"]);
    const id = await d.callId(device);
    await jssip.waitForMedia(100);
    await d.waitForMedia(
      device,
      (x) => x.audio.packetsReceived > 100,
      "100 inbound audio packets on the device",
    );
    await jssip.hangup();
    await d.waitStatus(device, ["Terminated"]);
    await d.assertReleased(id);
    await assertNothingInRtpengine();
    await jssip.close();
    await d.signOut(device);
  });

  it("an API device calls JsSIP through the trusted gateway node, audio both ways", async () => {
    const jssip = await carol();
    const device = await d.open(BOB);
    await device.fill("#dial-number", CAROL);
    await device.click("#dial");
    await jssip.waitFor("an incoming call", (s) => s.call === "incoming");
    await jssip.answer();
    await d.waitStatus(device, ["Connected"]);
    const id = await d.callId(device);
    await jssip.waitForMedia(100);
    await d.waitForMedia(
      device,
      (x) => x.audio.packetsReceived > 100,
      "100 inbound audio packets on the device",
    );
    await device.click("#hangup");
    await d.waitStatus(device, ["Terminated"]);
    await jssip.waitFor("the call ended", (s) => s.call === "ended" && s.endedBy === "remote");
    await d.assertReleased(id);
    await assertNothingInRtpengine();
    await jssip.close();
    await d.signOut(device);
  });
});
