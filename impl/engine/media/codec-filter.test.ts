import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CodecPolicy, filterCodecs } from "./codec-filter.ts";

const policy: CodecPolicy = {
  audio: ["opus", "G722", "PCMA", "PCMU"],
  video: ["VP8", "H264"],
  telephoneEvent: true,
};

const head = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1"];
const chromeAudio = [
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
  "a=rtcp-fb:111 transport-cc",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtpmap:63 red/48000/2",
  "a=fmtp:63 111/111",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:13 CN/8000",
  "a=rtpmap:110 telephone-event/48000",
  "a=rtpmap:126 telephone-event/8000",
  "a=ssrc:1 cname:x",
];
const chromeVideo = [
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=rtcp-fb:* nack",
  "a=rtpmap:96 VP8/90000",
  "a=rtcp-fb:96 nack pli",
  "a=rtpmap:97 rtx/90000",
  "a=fmtp:97 apt=96",
  "a=rtpmap:102 H264/90000",
  "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f",
  "a=rtpmap:103 rtx/90000",
  "a=fmtp:103 apt=102",
  "a=rtpmap:45 AV1/90000",
];
const sdp = (...sections: string[][]) => `${[...head, ...sections.flat()].join("\r\n")}\r\n`;

describe("filterCodecs", () => {
  it("keeps only the configured audio codecs and telephone-event, with their attributes, in preference order", () => {
    const out = filterCodecs(sdp(chromeAudio), { ...policy, audio: ["PCMA", "opus", "PCMU", "G722"] });
    const lines = out.sdp.split("\r\n");
    assert.ok(lines.includes("m=audio 9 UDP/TLS/RTP/SAVPF 8 111 0 9 110 126"));
    for (const gone of ["a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:13 CN/8000"])
      assert.ok(!lines.includes(gone), `${gone} should be removed`);
    for (const kept of [
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=rtcp-fb:111 transport-cc",
      "a=ssrc:1 cname:x",
    ])
      assert.ok(lines.includes(kept), `${kept} should be kept`);
    assert.deepEqual(out.media, [
      {
        type: "audio",
        kept: ["PCMA", "opus", "PCMU", "G722", "telephone-event"],
        removed: ["red", "CN"],
        noCommonCodec: false,
      },
    ]);
  });

  it("passes VP8 and H264 video and removes rtx, AV1 and their attributes", () => {
    const out = filterCodecs(sdp(chromeAudio, chromeVideo), policy);
    const lines = out.sdp.split("\r\n");
    assert.ok(lines.includes("m=video 9 UDP/TLS/RTP/SAVPF 96 102"));
    for (const gone of ["a=rtpmap:97 rtx/90000", "a=fmtp:103 apt=102", "a=rtpmap:45 AV1/90000"])
      assert.ok(!lines.includes(gone));
    assert.ok(lines.includes("a=rtcp-fb:* nack"), "wildcard feedback is not tied to a payload type");
    assert.deepEqual(out.media[1], {
      type: "video",
      kept: ["VP8", "H264"],
      removed: ["rtx", "AV1"],
      noCommonCodec: false,
    });
  });

  it("names static payload types without a=rtpmap by RFC 3551", () => {
    const plain = ["m=audio 4000 RTP/AVP 18 0 8", "c=IN IP4 127.0.0.1"];
    const out = filterCodecs(sdp(plain), policy);
    assert.ok(out.sdp.includes("m=audio 4000 RTP/AVP 8 0\r\n"));
    assert.deepEqual(out.media, [
      { type: "audio", kept: ["PCMA", "PCMU"], removed: ["G729"], noCommonCodec: false },
    ]);
  });

  it("leaves an audio section unchanged and flags it when no configured codec is offered", () => {
    const g729 = ["m=audio 4000 RTP/AVP 18 101", "c=IN IP4 127.0.0.1", "a=rtpmap:101 telephone-event/8000"];
    const input = sdp(g729);
    const out = filterCodecs(input, policy);
    assert.equal(out.sdp, input);
    assert.deepEqual(out.media, [
      { type: "audio", kept: [], removed: ["G729", "telephone-event"], noCommonCodec: true },
    ]);
  });

  it("drops telephone-event when it is disabled", () => {
    const out = filterCodecs(sdp(chromeAudio), { ...policy, telephoneEvent: false });
    assert.ok(out.sdp.includes("m=audio 9 UDP/TLS/RTP/SAVPF 111 9 8 0\r\n"));
  });

  it("passes sections other than audio and video unchanged", () => {
    const data = ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0"];
    const input = sdp(data);
    assert.deepEqual(filterCodecs(input, policy), { sdp: input, media: [] });
  });

  it("keeps LF line endings when the input uses them", () => {
    const out = filterCodecs(sdp(chromeAudio).replaceAll("\r\n", "\n"), policy);
    assert.ok(!out.sdp.includes("\r"));
    assert.ok(out.sdp.includes("m=audio 9 UDP/TLS/RTP/SAVPF 111 9 8 0 110 126\n"));
  });
});
