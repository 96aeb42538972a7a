import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  answerDirection,
  holdDirection,
  type MediaDirection,
  sdpDirection,
  sdpOrigin,
  withDirection,
} from "./sdp-direction.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\nm=video 4002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";

describe("SDP direction rewriting for hold and resume (RFC 3264 §8.4)", () => {
  it("marks every media section sendonly, adding the line where a section had none", () => {
    const held = withDirection(SDP, "sendonly");
    assert.equal(
      held,
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\nm=video 4002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=sendonly\r\n",
    );
    assert.equal(sdpDirection(held), "sendonly");
  });

  it("restores sendrecv on resume", () => {
    assert.equal(sdpDirection(withDirection(withDirection(SDP, "inactive"), "sendrecv")), "sendrecv");
  });

  it("reads sendrecv when no direction is present", () => {
    assert.equal(sdpDirection("v=0\r\nm=audio 1 RTP/AVP 0\r\n"), "sendrecv");
  });

  const hold: Array<[MediaDirection, MediaDirection]> = [
    ["sendrecv", "sendonly"],
    ["sendonly", "sendonly"],
    ["recvonly", "inactive"],
    ["inactive", "inactive"],
  ];
  for (const [from, want] of hold)
    it(`holds ${from} as ${want}`, () => assert.equal(holdDirection(from), want));

  const answer: Array<[MediaDirection, MediaDirection]> = [
    ["sendrecv", "sendrecv"],
    ["sendonly", "recvonly"],
    ["recvonly", "sendonly"],
    ["inactive", "inactive"],
  ];
  for (const [from, want] of answer)
    it(`answers ${from} with ${want}`, () => assert.equal(answerDirection(from), want));

  const held: Array<[MediaDirection, MediaDirection, MediaDirection]> = [
    ["sendrecv", "sendonly", "sendonly"],
    ["sendrecv", "inactive", "inactive"],
    ["sendonly", "sendonly", "inactive"],
    ["recvonly", "recvonly", "inactive"],
    ["sendonly", "recvonly", "recvonly"],
  ];
  for (const [offered, wanted, want] of held)
    it(`answers ${offered} with ${want} when the answerer wants ${wanted}`, () =>
      assert.equal(answerDirection(offered, wanted), want));

  it("reads the o= line that tells a refresh from a change (RFC 3264 §8)", () => {
    assert.equal(sdpOrigin(SDP), "- 1 1 IN IP4 127.0.0.1");
    assert.equal(sdpOrigin("v=0\r\n"), undefined);
  });
});
