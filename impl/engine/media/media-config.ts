import type { Logger } from "pino";
import { ConfigError } from "../../config/config.ts";
import { DEFAULT_MEDIA_POLICY, type MediaPolicy } from "./media-policy.ts";
import { createNgClient, type NgClient } from "./ng-client.ts";
import { createRtpengineAnchor, DEFAULT_CALL_ID_PREFIX, type RtpengineAnchor } from "./rtpengine-anchor.ts";

/** Media anchoring settings, from the RTPENGINE_* and MEDIA_* variables. */
export interface MediaConfig {
  /** RTPENGINE_NG=host:port of rtpengine's ng listener; absent = SDP passes through unanchored. */
  readonly ng: { readonly host: string; readonly port: number } | undefined;
  /** RTPENGINE_TIMEOUT_MS: wait for one ng reply; default 1000. */
  readonly timeoutMs: number;
  /** RTPENGINE_RETRIES: retransmissions of an ng request; default 2. */
  readonly retries: number;
  /**
   * RTPENGINE_CALL_ID_PREFIX: starts the rtpengine call-id of every call this gateway anchors, so
   * that it can tell its calls from those of other rtpengine users; default "camara-gw-". Gateways
   * sharing one rtpengine need different prefixes.
   */
  readonly callIdPrefix: string;
  /**
   * RTPENGINE_RECLAIM_ON_START: on start, delete the calls under the prefix that an earlier run left
   * in rtpengine (sessions live in memory, so no call survives a restart); default true.
   */
  readonly reclaimOnStart: boolean;
  readonly policy: MediaPolicy;
}

const AUDIO = ["opus", "G722", "PCMA", "PCMU"] as const;
const VIDEO = ["VP8", "H264"] as const;

/**
 * Reads and validates the media settings; every problem names the variable and the fix.
 *
 * - MEDIA_AUDIO_CODECS: preference order from opus, G722, PCMA, PCMU (default all, in this order)
 * - MEDIA_VIDEO_CODECS: from VP8, H264 (default VP8,H264)
 * - MEDIA_TELEPHONE_EVENT: true|false (default true)
 * - MEDIA_NETWORK_TRANSPORT: RTP/AVP | RTP/SAVP (SDES-SRTP) (default RTP/AVP)
 * - MEDIA_TRANSCODING: true|false (default true)
 * - RTPENGINE_CALL_ID_PREFIX: 1-32 of [A-Za-z0-9._-] (default camara-gw-), unique per gateway sharing an rtpengine
 * - RTPENGINE_RECLAIM_ON_START: true|false (default true)
 */
export function readMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  const problems: string[] = [];
  let ng: MediaConfig["ng"];
  const raw = env.RTPENGINE_NG;
  if (raw) {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535)
      problems.push(`RTPENGINE_NG=${raw} must be host:port of rtpengine's listen-ng, e.g. 127.0.0.1:2223.`);
    else ng = { host: match[1].replace(/^\[|\]$/g, ""), port };
  }
  const int = (name: string, fallback: number, min: number, max: number) => {
    const value = env[name] === undefined || env[name] === "" ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${env[name]} must be an integer from ${min} to ${max}.`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    if (value !== "true" && value !== "false") problems.push(`${name}=${value} must be true or false.`);
    return value === "true";
  };
  const codecs = <T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] => {
    const value = env[name];
    if (value === undefined || value.trim() === "") return [...fallback];
    const list = value.split(",").map((c) => c.trim());
    const canonical = list.map((c) => allowed.find((a) => a.toLowerCase() === c.toLowerCase()));
    const unknown = list.filter((_, i) => canonical[i] === undefined);
    if (unknown.length > 0)
      problems.push(`${name}: ${unknown.join(", ")} not supported; use ${allowed.join(", ")}.`);
    return [...new Set(canonical.filter((c): c is T => c !== undefined))];
  };
  const transport = env.MEDIA_NETWORK_TRANSPORT ?? DEFAULT_MEDIA_POLICY.networkTransport;
  if (transport !== "RTP/AVP" && transport !== "RTP/SAVP")
    problems.push(`MEDIA_NETWORK_TRANSPORT=${transport} must be RTP/AVP or RTP/SAVP (SDES-SRTP).`);
  const prefix = env.RTPENGINE_CALL_ID_PREFIX ?? DEFAULT_CALL_ID_PREFIX;
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(prefix))
    problems.push(
      `RTPENGINE_CALL_ID_PREFIX=${prefix} must be 1 to 32 letters, digits, ".", "_" or "-", e.g. ${DEFAULT_CALL_ID_PREFIX}.`,
    );
  const config: MediaConfig = {
    ng,
    timeoutMs: int("RTPENGINE_TIMEOUT_MS", 1000, 10, 60_000),
    retries: int("RTPENGINE_RETRIES", 2, 0, 10),
    callIdPrefix: prefix,
    reclaimOnStart: bool("RTPENGINE_RECLAIM_ON_START", true),
    policy: {
      audio: codecs(
        "MEDIA_AUDIO_CODECS",
        AUDIO,
        DEFAULT_MEDIA_POLICY.audio as readonly (typeof AUDIO)[number][],
      ),
      video: codecs(
        "MEDIA_VIDEO_CODECS",
        VIDEO,
        DEFAULT_MEDIA_POLICY.video as readonly (typeof VIDEO)[number][],
      ),
      telephoneEvent: bool("MEDIA_TELEPHONE_EVENT", DEFAULT_MEDIA_POLICY.telephoneEvent),
      networkTransport: transport === "RTP/SAVP" ? "RTP/SAVP" : "RTP/AVP",
      transcoding: bool("MEDIA_TRANSCODING", DEFAULT_MEDIA_POLICY.transcoding),
    },
  };
  if (config.policy.audio.length === 0) problems.push("MEDIA_AUDIO_CODECS must name at least one codec.");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A configured anchor, its ng client, and the start-up reclaim of calls an earlier run left. */
export interface ConfiguredMediaAnchor {
  readonly anchor: RtpengineAnchor;
  readonly ng: NgClient;
  /**
   * Settles once the calls an earlier run left in rtpengine are deleted (RTPENGINE_RECLAIM_ON_START),
   * with their media session ids; never rejects (a failure is logged: rtpengine's own timeout then
   * reclaims them).
   */
  readonly reclaimed: Promise<string[]>;
}

/**
 * The rtpengine anchor for a configuration, or undefined when RTPENGINE_NG is not set. Starts the
 * reclaim at once: calls the new process creates meanwhile are its own and are kept.
 */
export function createMediaAnchorFromConfig(
  config: MediaConfig,
  logger: Logger,
): ConfiguredMediaAnchor | undefined {
  if (!config.ng) return undefined;
  const ng = createNgClient({ ...config.ng, timeoutMs: config.timeoutMs, retries: config.retries });
  const anchor = createRtpengineAnchor({
    ng,
    policy: config.policy,
    callIdPrefix: config.callIdPrefix,
    onDeleteError: (error, id) => logger.warn({ err: error, mediaSessionId: id }, "rtpengine delete failed"),
  });
  logger.info(
    { ng: config.ng, policy: config.policy, callIdPrefix: config.callIdPrefix },
    "media anchored by rtpengine",
  );
  const reclaimed = config.reclaimOnStart
    ? anchor.reclaim().then(
        (ids) => {
          if (ids.length > 0)
            logger.info({ mediaSessionIds: ids }, "deleted rtpengine calls left by an earlier run");
          return ids;
        },
        (error: unknown) => {
          logger.warn({ err: error }, "could not reclaim rtpengine calls left by an earlier run");
          return [];
        },
      )
    : Promise.resolve([]);
  return { anchor, ng, reclaimed };
}
