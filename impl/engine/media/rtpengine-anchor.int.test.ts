/**
 * The media anchor against the real peers: Debian's rtpengine (userspace, loopback), headless
 * Debian Chromium and a plain RTP endpoint standing in for a SIP phone. SDP rewriting both ways,
 * media both ways (audio, VP8, H264), transcoding, errors and teardown. Run inside the loopback-only
 * namespace: scripts/lib/netns-run.sh e2e node --import tsx --test <this file>.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import sdpTransform from "sdp-transform";
import {
  type AnchorHarness,
  firstCodecs,
  g,
  startAnchorHarness,
  waitFor,
} from "../../e2e/support/anchor-harness.ts";
import type { EchoMedia } from "../../e2e/support/rtp-echo.ts";
import { EngineError } from "../engine-error.ts";
import type { MediaLeg } from "../media-anchor.ts";
import { DEFAULT_MEDIA_POLICY } from "./media-policy.ts";

describe("rtpengine media anchor between Chromium and a plain RTP endpoint", { timeout: 300_000 }, () => {
  let h: AnchorHarness;
  before(async () => {
    h = await startAnchorHarness();
  });
  after(async () => h?.close());

  it("rewrites Chromium's offer to plain RTP/AVP for the SIP side: no ICE, no DTLS, rtpengine's address, policy codec order", async () => {
    const page = await h.device({ video: false });
    const browserOffer = await page.evaluate(() => g().peer.createOffer());
    assert.match(browserOffer, /UDP\/TLS\/RTP\/SAVPF/);
    const leg = h.newLeg();
    const networkOffer = await h.anchor.offer(leg, browserOffer);
    const parsed = sdpTransform.parse(networkOffer);
    assert.equal(parsed.media.length, 1);
    const audio = parsed.media[0];
    assert.equal(audio?.protocol, "RTP/AVP");
    assert.equal(parsed.connection?.ip ?? audio?.connection?.ip, "127.0.0.1");
    assert.ok(
      audio && audio.port >= h.engine.portMin && audio.port <= h.engine.portMax,
      "port from rtpengine's range",
    );
    for (const line of [
      "a=ice-ufrag",
      "a=candidate",
      "a=fingerprint",
      "a=setup",
      "a=rtcp-mux",
      "a=extmap",
      "a=rtcp-fb",
    ])
      assert.equal(networkOffer.includes(line), false, `${line} must not reach the SIP side`);
    const names = audio?.rtp.map((r) => r.codec) ?? [];
    assert.deepEqual(
      names.filter((n) => n !== "telephone-event"),
      DEFAULT_MEDIA_POLICY.audio.map(String),
    );
    assert.ok(names.includes("telephone-event"));
    await h.hangUp(leg);
  });

  it("turns a plain RTP/AVP answer into ICE + DTLS-SRTP + rtcp-mux SDP that Chromium accepts as remote description", async () => {
    const { page, leg, deviceAnswer } = await h.outgoingCall({ video: false });
    const parsed = sdpTransform.parse(deviceAnswer);
    assert.equal(parsed.media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    for (const line of [
      "a=ice-ufrag:",
      "a=ice-pwd:",
      "a=candidate:",
      "a=fingerprint:sha-256",
      "a=rtcp-mux",
      "a=mid:0",
    ])
      assert.ok(deviceAnswer.includes(line), `${line} missing from the answer to the browser`);
    assert.equal(await page.evaluate(() => g().peer.pc.signalingState), "stable");
    await h.hangUp(leg);
  });

  it("carries audio both ways: Chromium receives over 100 RTP packets and rtpengine counts packets from both sides", async () => {
    const { page, leg, echo } = await h.outgoingCall({ video: false });
    const s = await waitFor(
      "100 inbound audio packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
    );
    assert.equal(s.connectionState, "connected");
    assert.equal(s.audio.inboundCodec, "audio/opus");
    const q = await h.anchor.query(leg.mediaSessionId);
    assert.ok(q, "rtpengine knows the call");
    assert.ok(
      (q.sides.device?.received.packets ?? 0) > 100,
      "packets from the browser, forwarded to the SIP side",
    );
    assert.ok(
      (q.sides.network?.received.packets ?? 0) > 100,
      "packets from the SIP side, forwarded to the browser",
    );
    assert.equal(q.sides.device?.media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    assert.equal(q.sides.network?.media[0]?.protocol, "RTP/AVP");
    assert.ok(echo.counters.received.audio > 100);
    await h.hangUp(leg);
  });

  it("carries audio and VP8 video both ways in an audio+video call (BUNDLE offered, answered unbundled)", async () => {
    const { page, leg, media, browserOffer, deviceAnswer } = await h.outgoingCall({ video: true });
    assert.match(browserOffer, /a=group:BUNDLE 0 1/);
    assert.equal(
      deviceAnswer.includes("a=group:BUNDLE"),
      false,
      "rtpengine 10.5 answers each m= line on its own transport",
    );
    assert.deepEqual(
      media.map((m) => m.encoding),
      ["opus/48000/2", "VP8/90000"],
    );
    const s = await waitFor(
      "100 inbound audio and video packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100 && x.video.packetsReceived > 100 && x.video.inboundCodec !== "",
    );
    assert.equal(s.video.inboundCodec, "video/VP8");
    const q = await h.anchor.query(leg.mediaSessionId);
    const video = (side: "device" | "network") => q?.sides[side]?.media.find((m) => m.type === "video");
    assert.ok((video("device")?.received.packets ?? 0) > 100);
    assert.ok((video("network")?.received.packets ?? 0) > 100);
    await h.hangUp(leg);
  });

  it("passes H264 video when the SIP side answers H264", async () => {
    const page = await h.device({ video: true });
    const leg = h.newLeg();
    const networkOffer = await h.anchor.offer(leg, await page.evaluate(() => g().peer.createOffer()));
    const echo = await h.echoFor(["audio", "video"]);
    const videoLine = sdpTransform.parse(networkOffer).media[1];
    const h264 = videoLine?.rtp.find((r) => r.codec === "H264");
    assert.ok(h264, "H264 offered to the SIP side");
    const fmtp = videoLine?.fmtp.find((f) => f.payload === h264.payload)?.config;
    const media: EchoMedia[] = [
      firstCodecs(networkOffer)[0] as EchoMedia,
      {
        kind: "video",
        payload: h264.payload,
        encoding: "H264/90000",
        extra: fmtp ? [`a=fmtp:${h264.payload} ${fmtp}`] : [],
      },
    ];
    const deviceAnswer = await h.anchor.answer({ ...leg, from: "network" }, echo.sdp(media));
    await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    try {
      const s = await waitFor(
        "100 inbound video packets",
        () => h.stats(page),
        (x) => x.video.packetsReceived > 100,
      );
      // The answer names H264 alone, so every inbound video packet is H264. Chromium's stats name
      // the inbound codec only once frames decode, which a loaded machine sometimes never gets to.
      const answered = sdpTransform.parse(deviceAnswer).media.find((m) => m.type === "video");
      assert.deepEqual(
        answered?.rtp.map((r) => r.codec).filter((c) => !/^(rtx|red|ulpfec)$/i.test(c)),
        ["H264"],
      );
      assert.ok(s.video.inboundCodec === "" || s.video.inboundCodec === "video/H264", s.video.inboundCodec);
    } finally {
      await h.hangUp(leg);
    }
  });

  it("transcodes: a browser offering only Opus reaches a PCMA-only SIP endpoint through rtpengine's transcoder", async () => {
    const page = await h.device({ video: false, audioCodecs: ["opus"] });
    const browserOffer = await page.evaluate(() => g().peer.createOffer());
    assert.equal(/PCMA|PCMU|G722/.test(browserOffer), false, "the browser offers Opus only");
    const leg = h.newLeg();
    const networkOffer = await h.anchor.offer(leg, browserOffer);
    assert.ok(networkOffer.includes("PCMA/8000"), "PCMA added for transcoding");
    const echo = await h.echoFor(["audio"]);
    const deviceAnswer = await h.anchor.answer(
      { ...leg, from: "network" },
      echo.sdp([{ kind: "audio", payload: 8, encoding: "PCMA/8000" }]),
    );
    assert.ok(deviceAnswer.includes("opus/48000"), "the browser is answered with the codec it offered");
    await page.evaluate((sdp) => g().peer.acceptAnswer(sdp), deviceAnswer);
    const s = await waitFor(
      "100 inbound packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
    );
    assert.equal(s.audio.inboundCodec, "audio/opus");
    assert.deepEqual([...echo.counters.payloadTypes.audio], [8], "only PCMA on the SIP side");
    assert.ok(echo.counters.received.audio > 100);
    await h.hangUp(leg);
  });

  /** The SIP side offers; the browser answers. Returns the parts. */
  it("incoming: a plain RTP/AVP offer becomes a WebRTC offer Chromium answers, and the answer returns as RTP/AVP with media both ways", async () => {
    const { page, leg, echo, deviceOffer, networkAnswer } = await h.incomingCall(
      [{ kind: "audio", payload: 8, encoding: "PCMA/8000" }],
      { video: false },
    );
    assert.equal(sdpTransform.parse(deviceOffer).media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    assert.ok(
      deviceOffer.includes("a=setup:actpass") &&
        deviceOffer.includes("a=rtcp-mux") &&
        deviceOffer.includes("a=mid:"),
    );
    const answer = sdpTransform.parse(networkAnswer);
    assert.equal(answer.media[0]?.protocol, "RTP/AVP");
    assert.equal(networkAnswer.includes("a=ice-ufrag"), false);
    assert.equal(networkAnswer.includes("a=fingerprint"), false);
    const s = await waitFor(
      "100 inbound packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
    );
    assert.equal(s.audio.inboundCodec, "audio/PCMA");
    assert.ok(echo.counters.received.audio > 100);
    await h.hangUp(leg);
  });

  it("incoming with no common codec: a G.729-only SIP offer is transcoded to a codec the browser has", async () => {
    const { page, leg, echo, deviceOffer } = await h.incomingCall(
      [{ kind: "audio", payload: 18, encoding: "G729/8000", extra: ["a=fmtp:18 annexb=no"] }],
      { video: false },
    );
    assert.equal(deviceOffer.includes("G729"), false, "G.729 is masked from the browser");
    assert.ok(deviceOffer.includes("opus/48000"), "Opus is offered by transcoding");
    const s = await waitFor(
      "100 inbound packets",
      () => h.stats(page),
      (x) => x.audio.packetsReceived > 100 && x.audio.inboundCodec !== "",
    );
    assert.equal(s.audio.inboundCodec, "audio/opus");
    assert.deepEqual([...echo.counters.payloadTypes.audio], [18], "only G.729 on the SIP side");
    await h.hangUp(leg);
  });

  it("refuses SDP that is not a session description with invalid_sdp and creates no call", async () => {
    const leg = h.newLeg();
    await assert.rejects(
      h.anchor.offer(leg, "this is not sdp"),
      (e: unknown) => e instanceof EngineError && e.failure === "invalid_sdp",
    );
    assert.equal((await h.anchor.list()).includes(leg.mediaSessionId), false);
  });

  it("maps rtpengine's refusal of an answer for an unknown call to an EngineError", async () => {
    const echo = await h.echoFor(["audio"]);
    const leg: MediaLeg = { ...h.newLeg(), from: "network" };
    await assert.rejects(
      h.anchor.answer(leg, echo.sdp([{ kind: "audio", payload: 8, encoding: "PCMA/8000" }])),
      (e: unknown) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.failure, "unknown_session");
        return true;
      },
    );
  });

  it("deletes quietly when rtpengine does not know the call", async () => {
    await h.anchor.delete(randomUUID());
  });

  it("leaves no call in rtpengine after every test's teardown", async () => {
    assert.deepEqual(await h.anchor.callIds(), []);
  });
});
