import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../config/config.ts";
import { readMediaConfig } from "./media-config.ts";
import { DEFAULT_MEDIA_POLICY } from "./media-policy.ts";

describe("readMediaConfig", () => {
  it("defaults to no anchor and the default policy", () => {
    assert.deepEqual(readMediaConfig({}), {
      anchor: "rtpengine",
      janus: undefined,
      ng: undefined,
      timeoutMs: 1000,
      retries: 2,
      callIdPrefix: "camara-gw-",
      reclaimOnStart: true,
      policy: DEFAULT_MEDIA_POLICY,
    });
  });

  it("reads every variable", () => {
    const config = readMediaConfig({
      RTPENGINE_NG: "127.0.0.1:2223",
      RTPENGINE_TIMEOUT_MS: "500",
      RTPENGINE_RETRIES: "0",
      RTPENGINE_CALL_ID_PREFIX: "gw-2.",
      RTPENGINE_RECLAIM_ON_START: "false",
      MEDIA_AUDIO_CODECS: "pcma, OPUS",
      MEDIA_VIDEO_CODECS: "h264",
      MEDIA_TELEPHONE_EVENT: "false",
      MEDIA_NETWORK_TRANSPORT: "RTP/SAVP",
      MEDIA_TRANSCODING: "false",
    });
    assert.deepEqual(config, {
      anchor: "rtpengine",
      janus: undefined,
      ng: { host: "127.0.0.1", port: 2223 },
      timeoutMs: 500,
      retries: 0,
      callIdPrefix: "gw-2.",
      reclaimOnStart: false,
      policy: {
        audio: ["PCMA", "opus"],
        video: ["H264"],
        telephoneEvent: false,
        networkTransport: "RTP/SAVP",
        transcoding: false,
      },
    });
  });

  it("reads MEDIA_ANCHOR=janus and the JANUS_* variables", () => {
    const config = readMediaConfig({
      MEDIA_ANCHOR: "janus",
      JANUS_WS: "ws://127.0.0.1:8188",
      JANUS_ADMIN_WS: "ws://127.0.0.1:7188",
      JANUS_ADMIN_SECRET: "s3cret",
      JANUS_TIMEOUT_MS: "2000",
    });
    assert.equal(config.anchor, "janus");
    assert.deepEqual(config.janus, {
      url: "ws://127.0.0.1:8188",
      adminUrl: "ws://127.0.0.1:7188",
      adminSecret: "s3cret",
      timeoutMs: 2000,
    });
  });

  it("refuses an unknown MEDIA_ANCHOR and a janus anchor without JANUS_WS, naming the fix", () => {
    assert.throws(
      () => readMediaConfig({ MEDIA_ANCHOR: "freeswitch" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.includes("MEDIA_ANCHOR=freeswitch must be rtpengine or janus."),
    );
    assert.throws(
      () => readMediaConfig({ MEDIA_ANCHOR: "janus", JANUS_TIMEOUT_MS: "5" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          "MEDIA_ANCHOR=janus needs JANUS_WS=ws://host:port of the Janus API WebSocket, e.g. ws://127.0.0.1:8188 (got nothing).",
        ]);
        return true;
      },
    );
  });

  it("accepts a bracketed IPv6 ng address", () => {
    assert.deepEqual(readMediaConfig({ RTPENGINE_NG: "[::1]:2223" }).ng, { host: "::1", port: 2223 });
  });

  it("reports every bad value at once, naming the variable and the fix", () => {
    assert.throws(
      () =>
        readMediaConfig({
          RTPENGINE_NG: "localhost",
          RTPENGINE_RETRIES: "x",
          MEDIA_AUDIO_CODECS: "G729",
          MEDIA_NETWORK_TRANSPORT: "UDP",
          MEDIA_TRANSCODING: "yes",
          RTPENGINE_CALL_ID_PREFIX: "",
          RTPENGINE_RECLAIM_ON_START: "1",
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          "RTPENGINE_NG=localhost must be host:port of rtpengine's listen-ng, e.g. 127.0.0.1:2223.",
          "MEDIA_NETWORK_TRANSPORT=UDP must be RTP/AVP or RTP/SAVP (SDES-SRTP).",
          'RTPENGINE_CALL_ID_PREFIX= must be 1 to 32 letters, digits, ".", "_" or "-", e.g. camara-gw-.',
          "RTPENGINE_RETRIES=x must be an integer from 0 to 10.",
          "RTPENGINE_RECLAIM_ON_START=1 must be true or false.",
          "MEDIA_AUDIO_CODECS: G729 not supported; use opus, G722, PCMA, PCMU.",
          "MEDIA_TRANSCODING=yes must be true or false.",
          "MEDIA_AUDIO_CODECS must name at least one codec.",
        ]);
        return true;
      },
    );
  });
});
