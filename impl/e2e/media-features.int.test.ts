/**
 * Browser end-to-end tier, on both media anchors (rtpengine, and Janus with a max-bundle page): ICE
 * restart from the browser answered by the anchor without a re-INVITE, the far end moving its media
 * in a re-INVITE without the browser renegotiating, and DTMF both ways (RFC 4733), proven on the wire:
 * the far end's RTP endpoint decodes the browser's telephone-events, and the browser hears the far
 * end's as tones (Goertzel detector on the received audio).
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/media-features.int.test.ts
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { Softphone } from "../demo/softphone.ts";
import { launchChromium, type TestBrowser } from "./support/chromium.ts";
import { ALICE, type E2eAnchor, type E2eStack, startE2eStack } from "./support/e2e-stack.ts";
import { RtpDtmfPeer } from "./support/rtp-dtmf-peer.ts";
import { RtpEcho } from "./support/rtp-echo.ts";
import { type SoftphoneDriver, sleep, softphoneDriver } from "./support/softphone-driver.ts";

interface SoftphoneWindow {
  softphone: Softphone;
}

const ANCHORS: readonly E2eAnchor[] = ["rtpengine", "janus"];

for (const anchor of ANCHORS) {
  describe(`ICE restart, media moves and DTMF through ${anchor}`, { timeout: 600_000 }, () => {
    let stack: E2eStack;
    let chromium: TestBrowser;
    let d: SoftphoneDriver;
    // Janus is the anchor for max-bundle pages; rtpengine serves the demo's default policy.
    const bundlePolicy = anchor === "janus" ? "max-bundle" : "balanced";
    const number = (n: number) => `+349110007${anchor === "janus" ? 5 : 0}${n}`;

    before(async () => {
      chromium = await launchChromium();
      stack = await startE2eStack({ anchor });
      d = softphoneDriver(stack, chromium);
    });
    after(async () => {
      await chromium?.close();
      await stack?.close();
    });

    async function connect(scenario: string, n: number, template?: Record<string, string | number>) {
      const sipp = await stack.sipp({ scenario, ...(template ? { template } : {}) });
      await stack.lab.setPeer(number(n), `sip:127.0.0.1:${sipp.port};transport=tcp`);
      const page = await d.open(ALICE, { bundlePolicy });
      await page.fill("#dial-number", number(n));
      await page.click("#dial");
      await d.waitStatus(page, ["Connected"]);
      const id = await d.callId(page);
      await d.waitForMedia(page, (x) => x.audio.packetsReceived > 100, "100 inbound audio packets");
      return { sipp, page, id };
    }

    const localUfrag = (page: Page) =>
      page.evaluate(
        () =>
          /a=ice-ufrag:(\S+)/.exec(
            (globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.pc.localDescription?.sdp ?? "",
          )?.[1],
      );
    const signaling = (page: Page) =>
      page.evaluate(() => (globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.pc.signalingState);
    const requestsTo = (messages: string, method: string) =>
      messages.match(new RegExp(`^${method} sip:`, "gm"))?.length ?? 0;

    async function hangUp(page: Page, sipp: Awaited<ReturnType<typeof stack.sipp>>, id: string) {
      await page.click("#hangup");
      await d.waitStatus(page, ["Terminated"]);
      await d.assertSippPassed(sipp);
      await d.assertReleased(id);
      await d.signOut(page);
    }

    it("the browser restarts ICE in a connected call: the anchor answers, no re-INVITE, media keeps flowing", async () => {
      const { sipp, page, id } = await connect("uas-echo.xml", 1);
      const before = await localUfrag(page);
      const remoteSdp = () =>
        page.evaluate(
          () => (globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.pc.remoteDescription?.sdp,
        );
      const remoteBefore = await remoteSdp();
      // What the demo's "Restart ICE" button runs; resolves once the PUT is answered.
      await page.evaluate(() => (globalThis as unknown as SoftphoneWindow).softphone.restartIce());
      // The answer arrives in a session status; the browser applies it and is stable again.
      for (let i = 0; i < 40 && (await signaling(page)) !== "stable"; i++) await sleep(250);
      const diagnosis = async () =>
        `${await page.textContent("#log")}\nbefore:\n${remoteBefore}\nafter:\n${await remoteSdp()}\n${stack.rtpengine?.readLog().slice(-6000) ?? ""}`;
      assert.equal(
        await signaling(page),
        "stable",
        `the browser took the anchor's answer\n${await diagnosis()}`,
      );
      assert.notEqual(await localUfrag(page), before, "the browser's ICE credentials changed");
      assert.equal(await page.getAttribute("#call-status", "data-status"), "Connected");
      const flowing = await d.inboundOver(page, 2000);
      assert.ok(
        flowing > 30,
        `media flows after the ICE restart (${flowing} packets in 2 s): ${JSON.stringify(await d.stats(page))}\n${await diagnosis()}`,
      );
      const more = await d.inboundOver(page, 2000);
      assert.ok(more > 30, `and keeps flowing (${more} packets in the next 2 s)`);
      await d.assertAnchoredBothWays(id);
      assert.ok(
        stack.gateway.logs.some((l) =>
          l.includes("ICE restart from the device answered by the media anchor"),
        ),
        "the gateway answered the restart itself",
      );
      await page.click("#hangup");
      await d.waitStatus(page, ["Terminated"]);
      await d.assertSippPassed(sipp);
      const { messages } = await sipp.done;
      assert.equal(requestsTo(messages, "INVITE"), 1, "the far end saw only the initial INVITE");
      await d.assertReleased(id);
      await d.signOut(page);
    });

    it("the far end moves its media in a re-INVITE: the gateway answers it, media follows the new port, the browser keeps its session", async () => {
      const first = await RtpEcho.start(["audio"]);
      const second = await RtpEcho.start(["audio"]);
      try {
        const { sipp, page, id } = await connect("uas-echo-move.xml", 2, {
          move_after_ms: 3000,
          rtp_port: first.port("audio"),
          rtp_port2: second.port("audio"),
        });
        const remoteBefore = await page.evaluate(
          () => (globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.pc.remoteDescription?.sdp,
        );
        assert.ok(first.counters.received.audio > 50, "the first port gets the browser's audio");
        for (let i = 0; i < 40 && second.counters.received.audio < 50; i++) await sleep(250);
        assert.ok(
          second.counters.received.audio >= 50,
          "the anchor sends to the new port after the re-INVITE",
        );
        const left = first.counters.received.audio;
        const flowing = await d.inboundOver(page, 2000);
        assert.ok(flowing > 30, `media reaches the browser from the new port (${flowing} packets in 2 s)`);
        assert.ok(first.counters.received.audio - left <= 3, "nothing goes to the old port any more");
        assert.equal(await signaling(page), "stable");
        assert.equal(
          await page.evaluate(
            () => (globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.pc.remoteDescription?.sdp,
          ),
          remoteBefore,
          "the browser did not renegotiate",
        );
        await hangUp(page, sipp, id);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it("DTMF both ways: four digits from the browser arrive as RFC 4733 events, four from the far end are heard in the browser", async () => {
      const rtp = await RtpDtmfPeer.start();
      try {
        const { sipp, page, id } = await connect("uas-dtmf.xml", 3, { rtp_port: rtp.port });
        await page.fill("#dtmf-digits", "1234");
        await page.click("#send-dtmf");
        for (let i = 0; i < 40 && rtp.received.length < 4; i++) await sleep(250);
        assert.deepEqual(
          rtp.received.map((r) => r.digit),
          ["1", "2", "3", "4"],
          "the far end decoded the browser's digits in order",
        );
        for (const r of rtp.received)
          assert.ok(
            Math.abs(r.durationMs - 100) <= 20,
            `digit ${r.digit} lasted ${r.durationMs} ms (100 sent)`,
          );

        const pt = rtp.eventPayloadType;
        assert.ok(pt !== undefined, "the telephone-event payload type was negotiated");
        await rtp.sendDigits("9#05", pt, 160, 120);
        const heard = async () =>
          page.evaluate(() =>
            ((globalThis as unknown as SoftphoneWindow).softphone.call?.peer?.heardTones ?? []).map((t) => ({
              ...t,
            })),
          );
        for (let i = 0; i < 20 && (await heard()).length < 4; i++) await sleep(250);
        const tones = await heard();
        assert.deepEqual(
          tones.map((t) => t.digit),
          ["9", "#", "0", "5"],
          `the browser heard the far end's digits in order: ${JSON.stringify(tones)}`,
        );
        // Heard durations come from the audio the browser plays out: NetEq may stretch a tone whose
        // packets arrive late (concealment), never shorten it. On the wire they are exact (above).
        for (const t of tones)
          assert.ok(
            t.durationMs >= 120 && t.durationMs <= 560,
            `tone ${t.digit} lasted ${t.durationMs} ms (160 sent)`,
          );
        await hangUp(page, sipp, id);
      } finally {
        await rtp.close();
      }
    });
  });
}
