import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toMediaStatistics } from "./media-statistics.ts";

describe("toMediaStatistics", () => {
  it("sums what rtpengine received per side and media section, and reads the totals", () => {
    const stream = (packets: number) => ({ stats: { packets, bytes: packets * 100, errors: 0 } });
    const reply = {
      result: "ok",
      tags: {
        device: {
          tag: "device",
          medias: [
            {
              type: "audio",
              protocol: "UDP/TLS/RTP/SAVPF",
              flags: ["ICE", "DTLS-SRTP"],
              streams: [stream(120), stream(0)],
            },
            { type: "video", protocol: "UDP/TLS/RTP/SAVPF", flags: [], streams: [stream(300)] },
          ],
        },
        network: {
          tag: "network",
          medias: [{ type: "audio", protocol: "RTP/AVP", flags: [], streams: [stream(110), stream(4)] }],
        },
        "<untagged 1>": { tag: "", medias: [{ type: "audio", streams: [stream(9)] }] },
      },
      totals: { RTP: { packets: 530, bytes: 53000, errors: 0 }, RTCP: { packets: 4, bytes: 400, errors: 0 } },
    };
    assert.deepEqual(toMediaStatistics("call-1", reply), {
      callId: "call-1",
      sides: {
        device: {
          media: [
            {
              type: "audio",
              protocol: "UDP/TLS/RTP/SAVPF",
              received: { packets: 120, bytes: 12000, errors: 0 },
              flags: ["ICE", "DTLS-SRTP"],
            },
            {
              type: "video",
              protocol: "UDP/TLS/RTP/SAVPF",
              received: { packets: 300, bytes: 30000, errors: 0 },
              flags: [],
            },
          ],
          received: { packets: 420, bytes: 42000, errors: 0 },
        },
        network: {
          media: [
            {
              type: "audio",
              protocol: "RTP/AVP",
              received: { packets: 114, bytes: 11400, errors: 0 },
              flags: [],
            },
          ],
          received: { packets: 114, bytes: 11400, errors: 0 },
        },
      },
      totals: { rtp: { packets: 530, bytes: 53000, errors: 0 }, rtcp: { packets: 4, bytes: 400, errors: 0 } },
    });
  });

  it("reads a reply without tags or totals as empty", () => {
    assert.deepEqual(toMediaStatistics("c", { result: "ok" }), {
      callId: "c",
      sides: {},
      totals: { rtp: { packets: 0, bytes: 0, errors: 0 }, rtcp: { packets: 0, bytes: 0, errors: 0 } },
    });
  });
});
