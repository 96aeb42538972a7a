/**
 * Browser end-to-end tier, a call that outlives the gateway: the demo softphone in Chromium calls a
 * SIPp far end with RTP echo through the gateway, Kamailio and the media anchor; the gateway is
 * killed with SIGKILL mid-call and started again on the same store, HTTP port and SIP port. Media
 * never passes through the gateway, so it keeps flowing (the browser's getStats() and the anchor's
 * counters rise across the restart); the recovered dialog carries the browser's hold and resume to
 * the far end as re-INVITEs; the far end's BYE ends the session Terminated and the anchor releases it.
 * With Janus the restarted gateway claims the call's Janus session (kept by Janus for its
 * reclaim_session_timeout once the dead gateway's WebSocket closed) and re-offers on its handle.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/call-restart.int.test.ts
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gatewayApi } from "../engine/sip/testing/spawned-gateway-api.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, type E2eAnchor, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";

const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const ANCHORS: readonly E2eAnchor[] = ["rtpengine", "janus"];

for (const anchor of ANCHORS)
  describe(`a browser call across a gateway restart (SIGKILL), ${anchor} and Kamailio to SIPp`, {
    timeout: 300_000,
  }, () => {
    let stack: E2eStack;
    let chromium: TestBrowser;
    let d: SoftphoneDriver;

    before(async () => {
      chromium = await launchChromium();
      stack = await startE2eStack({ anchor });
      d = softphoneDriver(stack, chromium);
    });
    after(async () => {
      await chromium?.close();
      await stack?.close();
    });

    /** Packets the anchor has received from the SIP side of the call so far. */
    const fromNetwork = async (id: string) =>
      (await stack.media.query(id))?.sides.network?.received.packets ?? 0;

    it("keeps the call: media flows on, Connected in the API, hold and resume reach the far end, its BYE ends it", async () => {
      const number = `+3491100${anchor === "janus" ? "09" : "04"}01`;
      const sipp = await stack.sipp({ scenario: "uas-echo-restart.xml" });
      await stack.lab.setPeer(number, `sip:127.0.0.1:${sipp.port};transport=tcp`);
      const page = await d.open(ALICE);
      await page.fill("#dial-number", number);
      await page.click("#dial");
      await d.waitStatus(page, ["Connected"]);
      const id = await d.callId(page);
      await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
      await d.assertAnchoredBothWays(id);

      // Janus: the call's one API session ([] for rtpengine), which the restarted gateway must claim.
      const sessions = await stack.anchorSessions();
      // Once the leg's last change is written (a turn of the event loop and a group commit later).
      await sleep(300);
      const gw = await stack.restartGateway();
      const api = await gatewayApi(gw);
      const carried = await api("GET", `${SESSIONS}/${id}`, ALICE);
      assert.equal(carried.status, 200, JSON.stringify(carried.body));
      assert.equal(carried.body.status, "Connected", "the recovered call is still Connected");
      assert.ok(await d.holds(id), `${anchor} still anchors the carried call`);
      const before = await fromNetwork(id);
      const flowing = await d.inboundOver(page);
      assert.ok(flowing > 20, `media flows after the restart (${flowing} packets in 1.5 s)`);
      const after = await fromNetwork(id);
      assert.ok(
        after > before + 20,
        `${anchor} counts packets from the far end after the restart (${before} → ${after})`,
      );

      // The page kept its origin and token: its hold and resume go to the restarted gateway.
      await page.click("#hold");
      await d.waitStatus(page, ["Hold"]);
      const held = await d.inboundOver(page);
      assert.ok(held <= 3, `media stops on hold (${held} packets in 1.5 s)`);
      await page.click("#resume");
      await d.waitStatus(page, ["Resume", "Connected"]);
      const resumed = await d.inboundOver(page);
      assert.ok(resumed > 20, `media resumes (${resumed} packets in 1.5 s)`);
      assert.deepEqual(await stack.anchorSessions(), sessions, "the same anchor session, no new one");

      // SIPp hangs up 5 s after the resume; the page learns it by its poll (its relay socket died).
      await d.waitStatus(page, ["Terminated"], 30_000);
      await d.assertSippPassed(sipp);
      const ended = await api("GET", `${SESSIONS}/${id}`, ALICE);
      assert.equal(ended.body.status, "Terminated");
      await d.assertReleased(id);
      await d.signOut(page);
    });

    it(`leaves no call in ${anchor}`, async () => {
      assert.deepEqual(await stack.media.callIds(), []);
      assert.deepEqual(await stack.anchorSessions(), [], "no Janus session is left");
    });
  });
