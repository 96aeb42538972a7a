/**
 * Interop with a WebRTC SIP client no one here wrote: JsSIP (npm) in Chromium registers over
 * wss:// on 7443 with the SIP edge (deploy/kamailio, rendered by scripts/lab/edge.ts), which is also
 * the registrar the gateway registers its CAMARA API devices with. The demo softphone (CAMARA API +
 * notification relay) is the API device. The edge anchors JsSIP's WebRTC media in rtpengine
 * (DTLS-SRTP ↔ RTP/AVP) and the gateway anchors the device's, so a call crosses two rtpengine calls.
 * Media is proven by getStats() on both pages; rtpengine must hold nothing after each hang-up.
 * Hold is RFC 3264 §8.4's: the side that holds offers sendonly and then receives nothing, since the
 * held side answers recvonly and stops sending (the holder may still send, e.g. music on hold).
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/jssip-interop.int.test.ts
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { type EdgeLab, startEdgeLab } from "../../scripts/lab/edge.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type JssipDriver, openJssip, pinCertificate, serveJssipPage } from "./support/jssip-page.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";
import type { TestPage } from "./support/test-page.ts";

/** The browser SIP user: a subscriber of the edge, registered by JsSIP. */
const CAROL = "+34600000009";
const CAROL_PASSWORD = "carol-secret";

describe("JsSIP over wss:// through the SIP edge ↔ a CAMARA API device", { timeout: 600_000 }, () => {
  let stack: E2eStack;
  let edge: EdgeLab;
  let chromium: TestBrowser;
  let jssipPage: TestPage;
  let d: SoftphoneDriver;

  before(async () => {
    stack = await startE2eStack({
      async sipNetwork({ dir, credentials, rtpengine }) {
        const ca = ensureDevCa(join(dir, "dev-ca"));
        edge = await startEdgeLab({
          credentials: new Map([...credentials, [CAROL, CAROL_PASSWORD]]),
          rtpengineNg: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
          certPem: ca.serverCertPem,
          keyPem: ca.serverKeyPem,
          caFile: ca.caFile,
          dir,
        });
        return edge;
      },
    });
    // The edge's certificate is trusted by its public key alone; verification stays on otherwise.
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

  /** rtpengine holds no call at all: neither the edge's (JsSIP's leg) nor the gateway's (the device's). */
  async function assertNothingInRtpengine(): Promise<void> {
    for (let i = 0; i < 20 && (await stack.media.callIds()).length > 0; i++) await sleep(250);
    assert.deepEqual(await stack.media.callIds(), [], "rtpengine holds no call");
  }

  /** Media flows both ways: over 100 packets received and sent on each page. */
  async function assertMediaBothWays(jssip: JssipDriver, device: Parameters<SoftphoneDriver["stats"]>[0]) {
    const j = await jssip.waitForMedia(100);
    const s = await d.waitForMedia(
      device,
      (x) => x.audio.packetsReceived > 100 && x.audio.packetsSent > 100 && x.audio.inboundCodec !== "",
      "100 audio packets each way on the device",
    );
    return { jssip: j, device: s };
  }

  /** The edge's rtpengine call of this SIP dialog: ICE/DTLS towards JsSIP, RTP/AVP towards the gateway. */
  async function assertEdgeAnchored(): Promise<void> {
    const ids = await stack.media.callIds();
    // The gateway's call-ids carry its prefix and the mediaSessionId; the edge's is JsSIP's Call-ID.
    assert.equal(ids.length, 2, `two rtpengine calls (edge and gateway): ${ids.join(", ")}`);
  }

  it("JsSIP registers over wss:// on 7443 with the edge", async () => {
    const jssip = await carol();
    assert.equal(edge.wssPort, 7443);
    assert.match(await edge.registrations(CAROL), /transport=ws/);
    await jssip.close();
    assert.doesNotMatch(await edge.registrations(CAROL), /transport=ws/);
  });

  it("JsSIP calls the API device: audio both ways, hold and resume from each side, JsSIP hangs up", async () => {
    const device = await d.open(ALICE);
    const jssip = await carol();
    await jssip.call(`sip:${ALICE}@${edge.domain}`);
    await device.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    assert.match((await device.textContent("#incoming-from")) ?? "", new RegExp(CAROL.replace("+", "\\+")));
    await device.click("#answer");
    await d.waitStatus(device, ["Connected"]);
    await jssip.waitFor("the call confirmed", (s) => s.call === "confirmed");
    const id = await d.callId(device);
    await assertMediaBothWays(jssip, device);
    await assertEdgeAnchored();

    // Hold from JsSIP (re-INVITE a=sendonly through the edge): the device shows Hold and sends nothing.
    await jssip.hold();
    await d.waitStatus(device, ["Hold"]);
    await jssip.waitFor("local hold", (s) => s.localHold);
    assert.ok((await jssip.inboundOver()) <= 3, "JsSIP receives nothing while it holds");
    await jssip.unhold();
    await d.waitStatus(device, ["Resume", "Connected"]);
    assert.ok((await jssip.inboundOver()) > 20, "JsSIP receives again after resuming");

    // Hold from the device (CAMARA PUT status Hold → re-INVITE to JsSIP): JsSIP sees a remote hold.
    await device.click("#hold");
    await d.waitStatus(device, ["Hold"]);
    await jssip.waitFor("remote hold", (s) => s.remoteHold);
    assert.ok((await d.inboundOver(device)) <= 3, "the device receives nothing while it holds");
    await device.click("#resume");
    await d.waitStatus(device, ["Resume", "Connected"]);
    await jssip.waitFor("remote resume", (s) => !s.remoteHold);
    assert.ok((await d.inboundOver(device)) > 20, "the device receives again after resuming");
    assert.ok((await jssip.inboundOver()) > 20, "JsSIP receives again after the device resumed");

    await jssip.hangup();
    await jssip.waitFor("the call ended", (s) => s.call === "ended" && s.endedBy === "local");
    await d.waitStatus(device, ["Terminated"]);
    await d.assertReleased(id);
    await assertNothingInRtpengine();
    await jssip.close();
    await d.signOut(device);
  });

  it("the API device calls JsSIP: audio both ways, hold and resume from each side, the device hangs up", async () => {
    const jssip = await carol();
    const device = await d.open(BOB);
    await device.fill("#dial-number", CAROL);
    await device.click("#dial");
    await jssip.waitFor("an incoming call", (s) => s.call === "incoming");
    assert.match((await jssip.state()).incomingFrom, new RegExp(`^sip:${BOB.replace("+", "\\+")}@`));
    await jssip.answer();
    await d.waitStatus(device, ["Connected"]);
    await jssip.waitFor("the call confirmed", (s) => s.call === "confirmed");
    const id = await d.callId(device);
    await assertMediaBothWays(jssip, device);
    await assertEdgeAnchored();

    await device.click("#hold");
    await d.waitStatus(device, ["Hold"]);
    await jssip.waitFor("remote hold", (s) => s.remoteHold);
    assert.ok((await d.inboundOver(device)) <= 3, "the device receives nothing while it holds");
    await device.click("#resume");
    await d.waitStatus(device, ["Resume", "Connected"]);
    await jssip.waitFor("remote resume", (s) => !s.remoteHold);
    assert.ok((await jssip.inboundOver()) > 20, "JsSIP receives again after the device resumed");

    await jssip.hold();
    await d.waitStatus(device, ["Hold"]);
    await jssip.waitFor("local hold", (s) => s.localHold);
    assert.ok((await jssip.inboundOver()) <= 3, "JsSIP receives nothing while it holds");
    await jssip.unhold();
    await d.waitStatus(device, ["Resume", "Connected"]);
    assert.ok((await jssip.inboundOver()) > 20, "JsSIP receives again after resuming");
    assert.ok((await d.inboundOver(device)) > 20, "the device receives again after JsSIP resumed");

    await device.click("#hangup");
    await d.waitStatus(device, ["Terminated"]);
    await jssip.waitFor("the call ended", (s) => s.call === "ended" && s.endedBy === "remote");
    await d.assertReleased(id);
    await assertNothingInRtpengine();
    await jssip.close();
    await d.signOut(device);
  });

  it("leaves no call in rtpengine", async () => {
    assert.deepEqual(await stack.media.callIds(), []);
  });
});
