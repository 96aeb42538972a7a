import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type MediaDirection, maySend, mediaDirection } from "./media-direction.ts";

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

describe("mediaDirection", () => {
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
  for (const [name, { body, want }] of cases) it(name, () => assert.equal(mediaDirection(body), want));
  it("reads LF-only bodies", () =>
    assert.equal(mediaDirection(sdp([], ["a=sendonly"]).replaceAll("\r\n", "\n")), "sendonly"));
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
