import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bodyParts, multipartMixed, partOf } from "./multipart-body.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
const PIDF = '<?xml version="1.0"?>\r\n<presence/>\r\n';

describe("multipartMixed and bodyParts (RFC 5621, RFC 2046 §5.1.1)", () => {
  it("writes each part after a delimiter line, with its headers and a blank line, and closes the body", () => {
    const body = multipartMixed(
      [
        { contentType: "application/sdp", content: SDP },
        { contentType: "application/pidf+xml", headers: ["Content-ID: <a@b>"], content: PIDF },
      ],
      "BOUNDARY",
    );
    assert.equal(body.contentType, "multipart/mixed;boundary=BOUNDARY");
    assert.equal(
      body.content,
      `--BOUNDARY\r\nContent-Type: application/sdp\r\n\r\n${SDP}\r\n--BOUNDARY\r\nContent-Type: application/pidf+xml\r\nContent-ID: <a@b>\r\n\r\n${PIDF}\r\n--BOUNDARY--\r\n`,
    );
  });

  it("reads back exactly the parts it wrote", () => {
    const parts = [
      { contentType: "application/sdp", headers: [], content: SDP },
      { contentType: "application/pidf+xml", headers: ["Content-ID: <a@b>"], content: PIDF },
    ];
    const body = multipartMixed(parts);
    assert.deepEqual(bodyParts(body.contentType, body.content), parts);
  });

  it("chooses another boundary when a part contains the one asked for", () => {
    const body = multipartMixed([{ contentType: "text/plain", content: "x\r\n--B\r\ny" }], "B");
    assert.doesNotMatch(body.contentType, /boundary=B$/);
    assert.equal(bodyParts(body.contentType, body.content)?.[0]?.content, "x\r\n--B\r\ny");
  });

  const reads: Array<[string, { type: string; body: string; want: string | undefined }]> = [
    [
      "a quoted boundary, a preamble and an epilogue, part header names in any case",
      {
        type: 'multipart/mixed; boundary="b 1"',
        body: `preamble\r\n--b 1\r\ncontent-type: application/sdp\r\n\r\n${SDP}\r\n--b 1--\r\nepilogue`,
        want: SDP,
      },
    ],
    [
      "the SDP second, after a PIDF-LO",
      {
        type: "multipart/mixed;boundary=x",
        body: `--x\r\nContent-Type: application/pidf+xml\r\n\r\n${PIDF}\r\n--x\r\nContent-Type: application/sdp;charset=utf-8\r\n\r\n${SDP}\r\n--x--\r\n`,
        want: SDP,
      },
    ],
    [
      "an SDP inside a nested multipart/alternative (RFC 5621 §4.1)",
      {
        type: "multipart/mixed;boundary=outer",
        body: `--outer\r\nContent-Type: multipart/alternative;boundary=inner\r\n\r\n--inner\r\nContent-Type: application/sdp\r\n\r\n${SDP}\r\n--inner--\r\n\r\n--outer--\r\n`,
        want: SDP,
      },
    ],
    [
      "no SDP part",
      {
        type: "multipart/mixed;boundary=x",
        body: `--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n`,
        want: undefined,
      },
    ],
    ["a multipart type without boundary", { type: "multipart/mixed", body: SDP, want: undefined }],
    ["a body that never opens a part", { type: "multipart/mixed;boundary=x", body: SDP, want: undefined }],
    [
      "a body cut before its close delimiter",
      {
        type: "multipart/mixed;boundary=x",
        body: `--x\r\nContent-Type: application/sdp\r\n\r\n${SDP}`,
        want: undefined,
      },
    ],
    ["a body that is not multipart", { type: "application/sdp", body: SDP, want: undefined }],
  ];
  for (const [name, { type, body, want }] of reads)
    it(`finds the SDP part of ${name}: ${want === undefined ? "none" : "the SDP"}`, () => {
      assert.equal(partOf(type, body, "application/sdp"), want);
    });
});
