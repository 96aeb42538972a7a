/**
 * Browser end-to-end tier, teardown paths: every way a call of the demo softphone can end before,
 * during or after its answer, each checked for the CAMARA status the browser shows and for
 * rtpengine no longer holding the call. Also: a restarted gateway deletes the rtpengine calls its
 * earlier run left behind. The gateway's no-answer timer is lowered to 8 s for this file.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/teardown.int.test.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createNgClient } from "../engine/media/ng-client.ts";
import { createRtpengineAnchor } from "../engine/media/rtpengine-anchor.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, BOB, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";

/** SIP_INVITE_TIMEOUT_MS of this file's gateway: long enough for the browser to hang up a ringing call first. */
const NO_ANSWER_MS = 8000;

/** An incoming call's offer as a SIP phone sends it. */
const PHONE_OFFER = [
  "v=0",
  "o=phone 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40000 RTP/AVP 8",
  "a=rtpmap:8 PCMA/8000",
  "",
].join("\r\n");

describe("browser call teardown paths: CAMARA status and rtpengine release", { timeout: 600_000 }, () => {
  let stack: E2eStack;
  let chromium: TestBrowser;
  let d: SoftphoneDriver;
  /** Media sessions of an "earlier run" of the gateway, anchored in rtpengine before this one starts. */
  const leftBehind: string[] = [];

  before(async () => {
    chromium = await launchChromium();
    stack = await startE2eStack({
      env: { SIP_INVITE_TIMEOUT_MS: String(NO_ANSWER_MS) },
      async beforeGateway(rtpengine) {
        const ng = createNgClient({ host: rtpengine.ngHost, port: rtpengine.ngPort });
        const earlierRun = createRtpengineAnchor({ ng });
        for (let i = 0; i < 2; i++) {
          const mediaSessionId = randomUUID();
          await earlierRun.offer(
            { mediaSessionId, callId: `${mediaSessionId}@sip`, from: "network" },
            PHONE_OFFER,
          );
          leftBehind.push(mediaSessionId);
        }
        await ng.close();
      },
    });
    d = softphoneDriver(stack, chromium);
  });
  after(async () => {
    await chromium?.close();
    await stack?.close();
  });

  /** Opens ALICE's softphone and dials `number`, served by a SIPp far end running `scenario`. */
  async function dial(number: string, scenario: string, template?: Record<string, string | number>) {
    const sipp = await stack.sipp({ scenario, ...(template ? { template } : {}) });
    await stack.lab.setPeer(number, `sip:127.0.0.1:${sipp.port};transport=tcp`);
    const page = await d.open(ALICE);
    await page.fill("#dial-number", number);
    await page.click("#dial");
    await page.waitForSelector('#call-status:not([data-status="idle"])', { timeout: 20_000 });
    return { sipp, page, id: await d.callId(page) };
  }

  it("on start, the gateway deletes the rtpengine calls an earlier run left behind", async () => {
    assert.equal(leftBehind.length, 2);
    // The gateway reclaims in the background once it has started, and logs it: allow it 10 s.
    const stillHeld = async () => {
      const held = await stack.media.list();
      return leftBehind.filter((id) => held.includes(id));
    };
    const logged = () => stack.gateway.logs.find((l) => l.includes("rtpengine calls left by an earlier run"));
    for (let i = 0; i < 40 && ((await stillHeld()).length > 0 || !logged()); i++) await sleep(250);
    assert.deepEqual(await stillHeld(), [], "calls of the earlier run still in rtpengine");
    const line = logged();
    assert.ok(line, `the gateway logs what it reclaimed:\n${stack.gateway.logs.slice(0, 20).join("\n")}`);
    const entry = JSON.parse(line) as { msg: string; mediaSessionIds?: string[] };
    assert.equal(entry.msg, "deleted rtpengine calls left by an earlier run");
    assert.deepEqual(entry.mediaSessionIds?.sort(), [...leftBehind].sort());
  });

  it("the browser hangs up an outgoing call while it rings: CANCEL, 487 from the far end, SessionCancelled", async () => {
    const { sipp, page, id } = await dial("+34911000301", "uas-ringing-cancel.xml", {
      reason: "SIP;cause=487",
    });
    await d.waitStatus(page, ["Ringing"]);
    assert.ok(await d.holds(id), "the browser's offer is anchored while the call rings");
    await page.click("#hangup");
    await d.waitStatus(page, ["SessionCancelled"]);
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  const refusals: Array<[number, string]> = [
    [486, "Busy"],
    [480, "NotReachable"],
    [603, "Declined"],
  ];
  for (const [code, status] of refusals) {
    it(`the far end refuses an outgoing call with ${code}: the browser shows ${status}`, async () => {
      // SIPp's checks (an RTP/AVP offer without ICE or DTLS) prove rtpengine anchored the call.
      const { sipp, page, id } = await dial(`+3491100031${code % 10}`, "uas-refuse.xml", { code });
      await d.waitStatus(page, [status]);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      await d.signOut(page);
    });
  }

  it("nobody answers an outgoing call: the gateway's no-answer timer CANCELs it (Q.850 cause 19), NoAnswer", async () => {
    const { sipp, page, id } = await dial("+34911000320", "uas-ringing-cancel.xml", {
      reason: "Q\\.850;cause=19",
    });
    await d.waitStatus(page, ["Ringing"]);
    assert.ok(await d.holds(id), "the browser's offer is anchored while the call rings");
    await d.waitStatus(page, ["NoAnswer"], NO_ANSWER_MS + 20_000);
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  it("the caller cancels an incoming call before the browser answers: SessionCancelled", async () => {
    const page = await d.open(BOB);
    const sipp = await stack.sipp({ scenario: "uac-cancel.xml", service: BOB, template: { wait_ms: 4000 } });
    await page.waitForSelector("#incoming:not([hidden])", { timeout: 20_000 });
    const id = await d.callId(page);
    assert.ok(await d.holds(id), "the caller's offer is anchored before the answer");
    await d.waitStatus(page, ["SessionCancelled"]);
    assert.equal(await page.isHidden("#incoming"), true, "the invitation is gone from the page");
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  it("the far end hangs up while the browser holds the call: BYE, Terminated", async () => {
    const { sipp, page, id } = await dial("+34911000330", "uas-hold-bye.xml");
    await d.waitStatus(page, ["Connected"]);
    await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
    await d.assertAnchoredBothWays(id);
    await page.click("#hold");
    await d.waitStatus(page, ["Hold"]);
    await d.waitStatus(page, ["Terminated"], 30_000);
    await d.assertSippPassed(sipp);
    await d.assertReleased(id);
    await d.signOut(page);
  });

  it("leaves no call in rtpengine after every teardown", async () => {
    assert.deepEqual(await stack.media.callIds(), []);
  });
});
