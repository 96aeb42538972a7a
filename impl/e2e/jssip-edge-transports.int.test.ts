/**
 * The SIP edge's other listeners and routes, with JsSIP on wss:// (a free port here: 7443 is
 * jssip-interop's): the gateway registers its API devices over TLS (the edge's TLS listener, the
 * development CA's certificate verified by the gateway); a trunk number prefix is routed to a trunk
 * over UDP; a trusted trunk calls in over TCP; two browser users call each other; an untrusted
 * caller that is no subscriber is refused. The trunk is SIPp with RTP echo on 127.0.0.2, the only
 * trusted source. rtpengine must hold nothing after each call.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/jssip-edge-transports.int.test.ts
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { type EdgeLab, startEdgeLab } from "../../scripts/lab/edge.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../scripts/lab/sipp.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { BOB, E2E_SCENARIOS, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { openJssip, pinCertificate, serveJssipPage } from "./support/jssip-page.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";
import type { TestPage } from "./support/test-page.ts";

const CAROL = "+34600000009";
const CAROL_PASSWORD = "carol-secret";
/** A second browser SIP user. */
const DAVE = "+34600000008";
const DAVE_PASSWORD = "dave-secret";
/** The trunk: SIPp on its own loopback address, trusted by source address. */
const TRUNK_IP = "127.0.0.2";
const TRUNK_PREFIX = "+3491";

describe("the SIP edge's TLS, UDP and TCP sides with JsSIP on wss://", { timeout: 600_000 }, () => {
  const caDir = mkdtempSync(join(tmpdir(), "camara-edge-ca-"));
  const ca = ensureDevCa(caDir);
  let stack: E2eStack;
  let edge: EdgeLab;
  let chromium: TestBrowser;
  let jssipPage: TestPage;
  let d: SoftphoneDriver;
  let trunkPort: number;
  const runs: SippRun[] = [];

  before(async () => {
    const tlsPort = await freePort();
    trunkPort = await freePort();
    stack = await startE2eStack({
      // The gateway is a TLS client of the edge's TLS listener and verifies it with the dev CA.
      env: {
        SIP_TRANSPORT: "tls",
        SIP_OUTBOUND_PROXY: `sip:127.0.0.1:${tlsPort};transport=tls`,
        SIP_TLS_CA_FILE: ca.caFile,
      },
      async sipNetwork({ dir, credentials, rtpengine }) {
        edge = await startEdgeLab({
          credentials: new Map([...credentials, [CAROL, CAROL_PASSWORD], [DAVE, DAVE_PASSWORD]]),
          rtpengineNg: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
          certPem: ca.serverCertPem,
          keyPem: ca.serverKeyPem,
          caFile: ca.caFile,
          tlsPort,
          // 7443 is jssip-interop.int.test.ts's: test files may run side by side.
          wssPort: await freePort(),
          trustedSources: [TRUNK_IP],
          trunks: [{ prefix: TRUNK_PREFIX, uri: `sip:${TRUNK_IP}:${trunkPort};transport=udp` }],
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
    for (const run of runs) run.stop();
    await chromium?.close();
    await jssipPage?.close();
    await stack?.close();
    rmSync(caDir, { recursive: true, force: true });
  });

  const carol = () =>
    openJssip(chromium, jssipPage, {
      wssUrl: edge.wssUrl,
      uri: `sip:${CAROL}@${edge.domain}`,
      password: CAROL_PASSWORD,
    });

  /** SIPp as the trunk on 127.0.0.2 with RTP echo. */
  async function trunk(o: {
    scenario: string;
    transport: "udp" | "tcp";
    localPort: number;
    service?: string;
  }): Promise<SippRun> {
    const mediaPort = 20000 + (o.localPort % 5000) * 2;
    const run = runSipp({
      scenario: join(E2E_SCENARIOS, o.scenario),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: o.transport,
      localPort: o.localPort,
      timeoutMs: 60_000,
      ...(o.service ? { service: o.service } : {}),
      // Later options win: SIPp binds the trunk's own address.
      extra: ["-i", TRUNK_IP, "-mi", TRUNK_IP, "-mp", String(mediaPort), "-rtp_echo"],
    });
    runs.push(run);
    if (o.transport === "udp") await run.ready;
    else await sleep(300);
    return run;
  }

  async function assertSippPassed(run: SippRun): Promise<void> {
    const result = await run.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
  }

  async function assertNothingInRtpengine(): Promise<void> {
    for (let i = 0; i < 20 && (await stack.media.callIds()).length > 0; i++) await sleep(250);
    assert.deepEqual(await stack.media.callIds(), [], "rtpengine holds no call");
  }

  it("the gateway registers its API device over TLS with the edge, and the device calls JsSIP through it", async () => {
    const jssip = await carol();
    const device = await d.open(BOB);
    // The device's CAMARA registration became a SIP REGISTER over TLS.
    assert.match(await edge.registrations(BOB), /transport=tls/);
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
    await jssip.waitFor("the call ended", (s) => s.call === "ended");
    await d.assertReleased(id);
    await assertNothingInRtpengine();
    await jssip.close();
    await d.signOut(device);
  });

  it("JsSIP calls a trunk number: the prefix route takes it over UDP to the trunk, which echoes JsSIP's audio", async () => {
    const sipp = await trunk({ scenario: "uas-echo.xml", transport: "udp", localPort: trunkPort });
    const jssip = await carol();
    await jssip.call(`sip:${TRUNK_PREFIX}1000101@${edge.domain}`);
    await jssip.waitFor("the call confirmed", (s) => s.call === "confirmed");
    const stats = await jssip.waitForMedia(100);
    assert.equal(stats.inboundCodec, "audio/PCMA");
    const [callId] = await stack.media.callIds();
    assert.ok(callId, "the edge anchors the call in rtpengine");
    await jssip.hangup();
    await jssip.waitFor("the call ended", (s) => s.call === "ended" && s.endedBy === "local");
    await assertSippPassed(sipp);
    await assertNothingInRtpengine();
    await jssip.close();
  });

  it("a trusted trunk calls JsSIP over TCP: JsSIP answers, hears the echo, and the trunk hangs up", async () => {
    const jssip = await carol();
    const sipp = await trunk({
      scenario: "uac-echo.xml",
      transport: "tcp",
      localPort: await freePort(),
      service: CAROL,
    });
    await jssip.waitFor("an incoming call", (s) => s.call === "incoming");
    assert.match((await jssip.state()).incomingFrom, /^sip:\+34911000009@/);
    await jssip.answer();
    await jssip.waitFor("the call confirmed", (s) => s.call === "confirmed");
    await jssip.waitForMedia(100);
    await jssip.waitFor(
      "the call ended by the trunk",
      (s) => s.call === "ended" && s.endedBy === "remote",
      30_000,
    );
    await assertSippPassed(sipp);
    await assertNothingInRtpengine();
    await jssip.close();
  });

  it("two browser SIP users call each other: each leg DTLS-SRTP to rtpengine, audio both ways", async () => {
    const carolPage = await carol();
    const dave = await openJssip(chromium, jssipPage, {
      wssUrl: edge.wssUrl,
      uri: `sip:${DAVE}@${edge.domain}`,
      password: DAVE_PASSWORD,
    });
    await dave.call(`sip:${CAROL}@${edge.domain}`);
    await carolPage.waitFor("an incoming call", (s) => s.call === "incoming");
    await carolPage.answer();
    await dave.waitFor("the call confirmed", (s) => s.call === "confirmed");
    await carolPage.waitForMedia(100);
    await dave.waitForMedia(100);
    assert.equal((await stack.media.callIds()).length, 1, "the edge anchors the call once");
    await carolPage.hangup();
    await dave.waitFor("the call ended", (s) => s.call === "ended" && s.endedBy === "remote");
    await assertNothingInRtpengine();
    await dave.close();
    await carolPage.close();
  });

  it("refuses with 403 a caller that is neither a subscriber nor a trusted peer (no open relay)", async () => {
    const run = runSipp({
      scenario: join(E2E_SCENARIOS, "uac-refused.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "udp",
      localPort: await freePort(),
      service: `${TRUNK_PREFIX}1000101`,
      timeoutMs: 20_000,
    });
    runs.push(run);
    await assertSippPassed(run);
    assert.deepEqual(await stack.media.callIds(), []);
  });
});
