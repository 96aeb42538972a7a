import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rejectingAnswer } from "./rejecting-answer.ts";

describe("rejectingAnswer (RFC 3264 §6)", () => {
  it("answers every offered stream, in order, with port zero and the offered transport and formats", () => {
    const offer =
      "v=0\r\no=remote 7 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
      "m=audio 49170 RTP/AVP 0 8\r\na=sendrecv\r\nm=video 49172 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";
    const lines = rejectingAnswer(offer).split("\r\n");
    assert.deepEqual(
      lines.filter((l) => l.startsWith("m=")),
      ["m=audio 0 RTP/AVP 0 8", "m=video 0 RTP/AVP 96"],
    );
    assert.equal(lines[0], "v=0");
    assert.match(lines[1] ?? "", /^o=- \d+ 1 IN IP4 0\.0\.0\.0$/);
    assert.ok(!lines.some((l) => l.includes("192.0.2.1")), "nothing of the offerer's own lines is echoed");
  });

  it("keeps a stream line without formats valid (SDP needs at least one)", () => {
    assert.match(rejectingAnswer("v=0\nm=audio 49170 RTP/AVP\n"), /^m=audio 0 RTP\/AVP 0$/m);
  });
});
