import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BencodeDict } from "./bencode.ts";
import {
  DEFAULT_MEDIA_POLICY,
  type MediaPolicy,
  type MediaSide,
  planAnswer,
  planOffer,
} from "./media-policy.ts";

const sdp = (mline: string, ...rtpmaps: string[]) =>
  ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", mline, ...rtpmaps, ""].join(
    "\r\n",
  );
const browserOffer = sdp(
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 126",
  "a=rtpmap:111 opus/48000/2",
  "a=rtpmap:126 telephone-event/8000",
);
const opusOnly = sdp("m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2");
const sipOffer = sdp("m=audio 4000 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000");
const g729Offer = sdp("m=audio 4000 RTP/AVP 18 101", "a=rtpmap:101 telephone-event/8000");

const toNetwork: BencodeDict = {
  replace: ["origin", "session connection"],
  flags: ["trust address"],
  ICE: "remove",
  DTLS: "off",
  "transport-protocol": "RTP/AVP",
  SDES: ["off"],
  "rtcp-mux": ["demux"],
};
const toDevice = (message: "offer" | "answer"): BencodeDict => ({
  replace: ["origin", "session connection"],
  flags: ["trust address", "generate mid"],
  ICE: "force",
  "transport-protocol": "UDP/TLS/RTP/SAVPF",
  SDES: ["off"],
  "rtcp-mux": message === "offer" ? ["offer", "require"] : ["require"],
});

describe("planOffer and planAnswer", () => {
  const cases: [
    string,
    { message: "offer" | "answer"; from: MediaSide; sdp: string; policy?: MediaPolicy; want: BencodeDict },
  ][] = [
    [
      "a browser offer goes to the SIP side as RTP/AVP without ICE or DTLS",
      { message: "offer", from: "device", sdp: browserOffer, want: toNetwork },
    ],
    [
      "a browser offer lacking G.711/G.722 asks rtpengine to add them by transcoding",
      {
        message: "offer",
        from: "device",
        sdp: opusOnly,
        want: { ...toNetwork, codec: { transcode: ["G722", "PCMA", "PCMU"] } },
      },
    ],
    [
      "transcoding switched off adds no codec",
      {
        message: "offer",
        from: "device",
        sdp: opusOnly,
        policy: { ...DEFAULT_MEDIA_POLICY, transcoding: false },
        want: toNetwork,
      },
    ],
    [
      "SDES-SRTP towards the SIP side asks for RTP/SAVP and leaves SDES on",
      {
        message: "offer",
        from: "device",
        sdp: browserOffer,
        policy: { ...DEFAULT_MEDIA_POLICY, networkTransport: "RTP/SAVP" },
        want: (({ SDES: _, ...rest }) => ({ ...rest, "transport-protocol": "RTP/SAVP" }))(toNetwork),
      },
    ],
    [
      "a SIP offer goes to the browser with ICE, DTLS-SRTP and rtcp-mux required",
      { message: "offer", from: "network", sdp: sipOffer, want: toDevice("offer") },
    ],
    [
      "a SIP offer with no codec in common masks its codecs and offers the configured ones by transcoding",
      {
        message: "offer",
        from: "network",
        sdp: g729Offer,
        want: {
          ...toDevice("offer"),
          codec: { mask: ["G729"], transcode: ["opus", "G722", "PCMA", "PCMU"] },
        },
      },
    ],
    [
      "a SIP answer goes to the browser with ICE, DTLS-SRTP and rtcp-mux",
      { message: "answer", from: "network", sdp: sipOffer, want: toDevice("answer") },
    ],
    [
      "a browser answer goes to the SIP side as RTP/AVP",
      { message: "answer", from: "device", sdp: browserOffer, want: toNetwork },
    ],
  ];
  for (const [name, { message, from, sdp: body, policy, want }] of cases) {
    it(name, () => {
      const plan = message === "offer" ? planOffer(from, body, policy) : planAnswer(from, body, policy);
      assert.deepEqual(plan.params, want);
    });
  }

  it("orders the offered codecs by the configured preference", () => {
    const plan = planOffer("device", browserOffer, {
      ...DEFAULT_MEDIA_POLICY,
      audio: ["PCMA", "PCMU", "opus", "G722"],
    });
    assert.match(plan.sdp, /m=audio 9 UDP\/TLS\/RTP\/SAVPF 8 0 111 9 126\r\n/);
  });

  it("passes answers through without codec changes", () => {
    assert.equal(planAnswer("device", browserOffer).sdp, browserOffer);
  });
});
