import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stripWebrtcAttributes } from "./network-sdp.ts";

describe("stripWebrtcAttributes", () => {
  const cases: [string, { line: string; kept: boolean }][] = [
    [
      "removes RTP header extensions",
      { line: "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", kept: false },
    ],
    ["removes extmap-allow-mixed", { line: "a=extmap-allow-mixed", kept: false }],
    ["removes msid", { line: "a=msid:s t", kept: false }],
    ["removes msid-semantic", { line: "a=msid-semantic: WMS s", kept: false }],
    ["removes AVPF feedback", { line: "a=rtcp-fb:111 transport-cc", kept: false }],
    ["removes reduced-size RTCP", { line: "a=rtcp-rsize", kept: false }],
    ["removes ssrc-group", { line: "a=ssrc-group:FID 1 2", kept: false }],
    ["keeps rtpmap", { line: "a=rtpmap:8 PCMA/8000", kept: true }],
    ["keeps ssrc", { line: "a=ssrc:1 cname:x", kept: true }],
    ["keeps rtcp", { line: "a=rtcp:4001", kept: true }],
    ["keeps rtcp-mux", { line: "a=rtcp-mux", kept: true }],
    ["keeps direction", { line: "a=sendonly", kept: true }],
    ["keeps crypto", { line: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc", kept: true }],
  ];
  for (const [name, { line, kept }] of cases) {
    it(name, () => {
      const sdp = `v=0\r\nm=audio 4000 RTP/AVP 8\r\n${line}\r\n`;
      assert.equal(stripWebrtcAttributes(sdp).includes(line), kept);
    });
  }

  it("keeps LF line endings", () => {
    assert.equal(stripWebrtcAttributes("v=0\na=rtcp-rsize\na=sendrecv\n"), "v=0\na=sendrecv\n");
  });
});
