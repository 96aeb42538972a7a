import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "./engine-error.ts";
import { passThroughMediaAnchor } from "./media-anchor.ts";

const SDP = (port: number) =>
  `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=sendrecv\r\n`;
const leg = { mediaSessionId: "m-1", callId: "call-1", from: "network" } as const;

describe("the pass-through media anchor (no rtpengine)", () => {
  it("passes a session description on unchanged, as an offer and as an answer", async () => {
    assert.equal(await passThroughMediaAnchor.offer(leg, SDP(49170)), SDP(49170));
    assert.equal(await passThroughMediaAnchor.answer({ ...leg, from: "device" }, SDP(40000)), SDP(40000));
  });

  for (const [name, body] of [
    ["text that is not SDP", "hello\r\n"],
    ["an SDP without an o= line", "v=0\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"],
    [
      "an SDP without an m= line",
      "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n",
    ],
    ["an empty body", ""],
  ] as const)
    it(`refuses ${name} with EngineError invalid_sdp, as an offer and as an answer`, async () => {
      for (const op of ["offer", "answer"] as const)
        await assert.rejects(
          passThroughMediaAnchor[op](leg, body),
          (error: unknown) => error instanceof EngineError && error.failure === "invalid_sdp",
        );
    });
});
