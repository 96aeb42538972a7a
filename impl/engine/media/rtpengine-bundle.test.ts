import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "../engine-error.ts";
import type { MediaAnchor } from "../media-anchor.ts";
import {
  bundleSingleSection,
  needsBundle,
  refuseUnbundlable,
  UNBUNDLABLE_MESSAGE,
} from "./rtpengine-bundle.ts";

const head = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0"];
const audio = (candidates: boolean) => [
  "m=audio 50000 UDP/TLS/RTP/SAVPF 8",
  "c=IN IP4 127.0.0.1",
  ...(candidates ? ["a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"] : []),
  "a=mid:0",
];
const video = (port: number, candidates: boolean, bundleOnly = false) => [
  `m=video ${port} UDP/TLS/RTP/SAVPF 96`,
  "c=IN IP4 127.0.0.1",
  ...(candidates ? [`a=candidate:2 1 udp 2122260223 127.0.0.1 ${port} typ host`] : []),
  ...(bundleOnly ? ["a=bundle-only"] : []),
  "a=mid:1",
];
const sdp = (...lines: string[][]) => [...head, ...lines.flat(), ""].join("\r\n");

describe("needsBundle", () => {
  const cases: Array<[string, { given: string; want: boolean }]> = [
    [
      "balanced audio+video: each m-line has candidates",
      { given: sdp(["a=group:BUNDLE 0 1"], audio(true), video(50002, true)), want: false },
    ],
    [
      "Chromium max-bundle: the video m-line has port 9 and no candidates",
      { given: sdp(["a=group:BUNDLE 0 1"], audio(true), video(9, false)), want: true },
    ],
    [
      "bundle-only with port 0 (RFC 9143 §7.3)",
      { given: sdp(["a=group:BUNDLE 0 1"], audio(true), video(0, false, true)), want: true },
    ],
    ["a single bundled m-line", { given: sdp(["a=group:BUNDLE 0"], audio(true)), want: false }],
    ["no BUNDLE group", { given: sdp(audio(true), video(50002, true)), want: false }],
  ];
  for (const [name, { given, want }] of cases) it(name, () => assert.equal(needsBundle(given), want));
});

describe("bundleSingleSection", () => {
  it("declares a single m-line with a mid bundled", () => {
    assert.equal(bundleSingleSection(sdp(audio(true))), sdp(["a=group:BUNDLE 0"], audio(true)));
  });
  it("leaves SDP with a group or with several m-lines unchanged", () => {
    const grouped = sdp(["a=group:BUNDLE 0"], audio(true));
    assert.equal(bundleSingleSection(grouped), grouped);
    const two = sdp(audio(true), video(50002, true));
    assert.equal(bundleSingleSection(two), two);
  });
});

describe("refuseUnbundlable", () => {
  const echo: MediaAnchor = {
    offer: async (_l, s) => s,
    answer: async (_l, s) => s,
    delete: async () => undefined,
  };
  const leg = { mediaSessionId: "m", callId: "c", from: "device" as const };

  it("refuses an offer that needs BUNDLE with invalid_sdp and a message naming the limitation", async () => {
    await assert.rejects(
      refuseUnbundlable(echo).offer(leg, sdp(["a=group:BUNDLE 0 1"], audio(true), video(9, false))),
      (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.failure, "invalid_sdp");
        assert.equal(error.clientMessage, UNBUNDLABLE_MESSAGE);
        assert.match(UNBUNDLABLE_MESSAGE, /max-bundle.*rtpengine 10\.5.*MEDIA_ANCHOR=janus/);
        return true;
      },
    );
  });

  it("bundles a single m-line only towards the browser", async () => {
    const wrapped = refuseUnbundlable(echo);
    const plain = sdp(audio(true));
    assert.equal(
      await wrapped.answer({ ...leg, from: "network" }, plain),
      sdp(["a=group:BUNDLE 0"], audio(true)),
    );
    assert.equal(
      await wrapped.offer({ ...leg, from: "network" }, plain),
      sdp(["a=group:BUNDLE 0"], audio(true)),
    );
    assert.equal(await wrapped.offer(leg, plain), plain);
    assert.equal(await wrapped.answer(leg, plain), plain);
  });
});
