import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isIceRestartOnly } from "./sdp-ice-restart.ts";

interface Section {
  readonly kind?: "audio" | "video";
  readonly mid?: string;
  readonly port?: number;
  readonly ufrag?: string;
  readonly pwd?: string;
  readonly direction?: string;
  readonly codecs?: readonly string[];
  readonly fingerprint?: string;
}

const RTPMAP: Record<string, string> = {
  "111": "opus/48000/2",
  "9": "G722/8000",
  "8": "PCMA/8000",
  "0": "PCMU/8000",
  "101": "telephone-event/8000",
  "96": "VP8/90000",
};

/** A browser-like SDP with one section per entry. */
function sdp(version: number, sections: readonly Section[]): string {
  const lines = ["v=0", `o=- 42 ${version} IN IP4 127.0.0.1`, "s=-", "t=0 0"];
  for (const [i, s] of sections.entries()) {
    const kind = s.kind ?? "audio";
    const pts = s.codecs ?? (kind === "audio" ? ["111", "8", "0", "101"] : ["96"]);
    lines.push(
      `m=${kind} ${s.port ?? 9} UDP/TLS/RTP/SAVPF ${pts.join(" ")}`,
      "c=IN IP4 127.0.0.1",
      `a=mid:${s.mid ?? String(i)}`,
      `a=ice-ufrag:${s.ufrag ?? "aaaa"}`,
      `a=ice-pwd:${s.pwd ?? "pppppppppppppppppppppp"}`,
      `a=fingerprint:sha-256 ${s.fingerprint ?? "AA:BB"}`,
      "a=setup:actpass",
      `a=${s.direction ?? "sendrecv"}`,
      ...pts.map((pt) => `a=rtpmap:${pt} ${RTPMAP[pt]}`),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

describe("isIceRestartOnly: a WebRTC re-offer that only restarts ICE (RFC 8839 §4.4.1.1.1)", () => {
  const audio: Section = {};
  const restarted: Section = { ufrag: "bbbb", pwd: "qqqqqqqqqqqqqqqqqqqqqq" };
  const cases: [string, { previous: string; next: string; want: boolean }][] = [
    [
      "new credentials, same media: a restart",
      { previous: sdp(1, [audio]), next: sdp(2, [restarted]), want: true },
    ],
    [
      "only the password changed: a restart",
      { previous: sdp(1, [audio]), next: sdp(2, [{ pwd: "zzzzzzzzzzzzzzzzzzzzzz" }]), want: true },
    ],
    [
      "new credentials, a new fingerprint and port: still only the device's transport",
      {
        previous: sdp(1, [audio]),
        next: sdp(2, [{ ...restarted, fingerprint: "CC:DD", port: 50000 }]),
        want: true,
      },
    ],
    [
      "the previous SDP was an answer with one codec; the re-offer lists them all again",
      { previous: sdp(1, [{ codecs: ["8", "101"] }]), next: sdp(2, [restarted]), want: true },
    ],
    [
      "audio and video, both sections restarted",
      {
        previous: sdp(1, [audio, { kind: "video" }]),
        next: sdp(2, [restarted, { ...restarted, kind: "video" }]),
        want: true,
      },
    ],
    [
      "the same credentials: no restart (a plain re-offer)",
      { previous: sdp(1, [audio]), next: sdp(2, [audio]), want: false },
    ],
    [
      "new credentials and hold (sendonly): the network must hear of it",
      { previous: sdp(1, [audio]), next: sdp(2, [{ ...restarted, direction: "sendonly" }]), want: false },
    ],
    [
      "new credentials and a codec dropped: a media change",
      { previous: sdp(1, [audio]), next: sdp(2, [{ ...restarted, codecs: ["111", "101"] }]), want: false },
    ],
    [
      "new credentials and a video section added: a media change",
      { previous: sdp(1, [audio]), next: sdp(2, [restarted, { ...restarted, kind: "video" }]), want: false },
    ],
    [
      "new credentials and a section rejected (port 0): a media change",
      {
        previous: sdp(1, [audio, { kind: "video" }]),
        next: sdp(2, [restarted, { ...restarted, kind: "video", port: 0 }]),
        want: false,
      },
    ],
    [
      "a different mid: a media change",
      { previous: sdp(1, [audio]), next: sdp(2, [{ ...restarted, mid: "audio" }]), want: false },
    ],
    ["not an SDP: no restart", { previous: sdp(1, [audio]), next: "garbage", want: false }],
  ];
  for (const [name, { previous, next, want }] of cases)
    it(name, () => assert.equal(isIceRestartOnly(previous, next), want));
});
