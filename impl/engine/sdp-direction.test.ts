import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  answerDirection,
  holdDirection,
  type MediaDirection,
  maySend,
  sdpDirection,
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
});

const sdp = (session: string[], media: string[], c = "c=IN IP4 127.0.0.1") =>
  [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.1",
    "s=-",
    c,
    "t=0 0",
    ...session,
    "m=audio 4000 RTP/AVP 8",
    ...media,
    "",
  ].join("\r\n");

describe("sdpDirection, the one reader of an SDP's direction (RFC 8866 §6.7, RFC 3264 §8.4)", () => {
  const cases: [string, { body: string; want: MediaDirection }][] = [
    ["is sendrecv when nothing is declared", { body: sdp([], []), want: "sendrecv" }],
    ["reads the media-level attribute", { body: sdp([], ["a=sendonly"]), want: "sendonly" }],
    ["falls back to the session level", { body: sdp(["a=inactive"], []), want: "inactive" }],
    [
      "prefers the media level over the session level",
      { body: sdp(["a=inactive"], ["a=recvonly"]), want: "recvonly" },
    ],
    [
      "treats the legacy 0.0.0.0 hold as sendonly",
      { body: sdp([], [], "c=IN IP4 0.0.0.0"), want: "sendonly" },
    ],
    [
      "keeps an explicit direction with 0.0.0.0",
      { body: sdp([], ["a=inactive"], "c=IN IP4 0.0.0.0"), want: "inactive" },
    ],
  ];
  // Where the SIP engine's reader and the media anchor's disagreed (the first direction line
  // anywhere, session level first, no 0.0.0.0 hold):
  cases.push(
    [
      "reads a media-level sendonly under a session-level sendrecv as sendonly (a hold)",
      { body: sdp(["a=sendrecv"], ["a=sendonly"]), want: "sendonly" },
    ],
    [
      "reads a re-INVITE with c=0.0.0.0 and no direction as a hold",
      { body: sdp([], [], "c=IN IP4 0.0.0.0"), want: "sendonly" },
    ],
    [
      "reads only the first media section, not a later one's direction",
      { body: `${sdp([], [])}m=video 4002 RTP/AVP 96\r\na=inactive\r\n`, want: "sendrecv" },
    ],
  );
  for (const [name, { body, want }] of cases) it(name, () => assert.equal(sdpDirection(body), want));
  it("reads LF-only bodies", () =>
    assert.equal(sdpDirection(sdp([], ["a=sendonly"]).replaceAll("\r\n", "\n")), "sendonly"));
});

describe("maySend", () => {
  const table: [MediaDirection, MediaDirection, boolean][] = [
    ["sendrecv", "sendrecv", true],
    ["sendonly", "recvonly", true],
    ["sendonly", "sendrecv", true],
    ["recvonly", "sendonly", false],
    ["sendrecv", "sendonly", false],
    ["inactive", "sendrecv", false],
    ["sendrecv", "inactive", false],
  ];
  for (const [mine, theirs, want] of table)
    it(`${mine} → ${theirs} is ${want ? "allowed" : "blocked"}`, () =>
      assert.equal(maySend(mine, theirs), want));
});
