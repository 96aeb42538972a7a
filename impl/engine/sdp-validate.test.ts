import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "./engine-error.ts";
import { MAX_SDP_BYTES, validateSdp } from "./sdp-validate.ts";

const valid = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40000 RTP/AVP 8 0 101",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "",
].join("\r\n");

const replace = (from: string, to: string) => valid.replace(from, to);

describe("validateSdp", () => {
  it("accepts a plain RTP/AVP offer and returns it parsed", () => {
    const parsed = validateSdp(valid);
    assert.equal(parsed.media.length, 1);
    assert.equal(parsed.media[0]?.protocol, "RTP/AVP");
  });

  it("accepts LF line endings and a connection line per media description", () => {
    const perMedia = valid.replace("c=IN IP4 127.0.0.1\r\n", "").replace("a=sendrecv", "c=IN IP4 127.0.0.1");
    assert.equal(validateSdp(perMedia.replaceAll("\r\n", "\n")).media.length, 1);
  });

  it("accepts an m= line with port 0 (a rejected or disabled stream)", () => {
    assert.equal(validateSdp(replace("m=audio 40000", "m=audio 0")).media[0]?.port, 0);
  });

  const cases: [string, { sdp: string; why: string }][] = [
    ["an empty body", { sdp: "", why: "the body is empty" }],
    ["whitespace", { sdp: "  \r\n ", why: "the body is empty" }],
    ["free text", { sdp: "hello world", why: "line 1 is not of the form <type>=<value>" }],
    ["JSON", { sdp: '{"v":0}', why: "line 1 is not of the form <type>=<value>" }],
    ["a missing v= line", { sdp: valid.replace("v=0\r\n", ""), why: 'the first line must be "v=0"' }],
    ["a wrong version", { sdp: replace("v=0", "v=1"), why: 'the first line must be "v=0"' }],
    [
      "a missing o= line",
      { sdp: replace("o=- 1 1 IN IP4 127.0.0.1\r\n", ""), why: "the second line must be an o= origin line" },
    ],
    [
      "a malformed o= line",
      { sdp: replace("o=- 1 1 IN IP4 127.0.0.1", "o=- x"), why: "the second line must be an o= origin line" },
    ],
    [
      "a missing s= line",
      { sdp: replace("s=-\r\n", ""), why: "the third line must be a non-empty s= session name" },
    ],
    [
      "an empty s= line",
      { sdp: replace("s=-", "s="), why: "the third line must be a non-empty s= session name" },
    ],
    [
      "a missing t= line",
      { sdp: replace("t=0 0\r\n", ""), why: "the session section has no t= timing line" },
    ],
    ["no m= line", { sdp: valid.split("m=audio")[0] as string, why: "there is no m= media description" }],
    [
      "a malformed m= line",
      {
        sdp: replace("m=audio 40000 RTP/AVP 8 0 101", "m=audio RTP/AVP"),
        why: 'media description 1 has a malformed m= line "m=audio RTP/AVP"',
      },
    ],
    [
      "an out-of-range port",
      {
        sdp: replace("m=audio 40000", "m=audio 70000"),
        why: "media description 1 has port 70000 out of range",
      },
    ],
    [
      "no connection line anywhere",
      {
        sdp: replace("c=IN IP4 127.0.0.1\r\n", ""),
        why: "media description 1 has no c= connection line and the session has none",
      },
    ],
    [
      "a malformed connection line",
      { sdp: replace("c=IN IP4 127.0.0.1", "c=IN foo"), why: 'malformed connection "c=IN foo"' },
    ],
    [
      "a line that is not type=value",
      { sdp: replace("a=sendrecv", "sendrecv"), why: "line 8 is not of the form <type>=<value>" },
    ],
  ];
  for (const [name, { sdp, why }] of cases) {
    it(`rejects ${name} as invalid_sdp`, () => {
      assert.throws(
        () => validateSdp(sdp),
        (error: unknown) =>
          error instanceof EngineError &&
          error.failure === "invalid_sdp" &&
          error.message === `invalid SDP: ${why}`,
      );
    });
  }

  it("rejects a body larger than the limit as invalid_sdp", () => {
    const big = `${valid}a=x:${"y".repeat(MAX_SDP_BYTES)}\r\n`;
    assert.throws(() => validateSdp(big), { name: "EngineError", failure: "invalid_sdp" });
  });

  it("rejects a non-string body as invalid_sdp", () => {
    assert.throws(() => validateSdp(42 as unknown as string), {
      name: "EngineError",
      failure: "invalid_sdp",
    });
  });
});
