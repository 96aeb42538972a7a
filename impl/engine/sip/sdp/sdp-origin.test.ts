import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sdpOrigin } from "./sdp-origin.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

describe("sdpOrigin", () => {
  it("reads the o= line that tells a refresh from a change (RFC 3264 §8)", () => {
    assert.equal(sdpOrigin(SDP), "- 1 1 IN IP4 127.0.0.1");
    assert.equal(sdpOrigin("v=0\r\n"), undefined);
  });
});
