import type { Logger } from "pino";
import { type EnvReader, readAlone } from "../../env/env-reader.ts";
import type { MediaAnchor } from "../media-anchor.ts";
import { createJanusAnchorFromConfig, type JanusConfig, readJanusConfig } from "./janus/janus-config.ts";
import { DEFAULT_MEDIA_POLICY, type MediaPolicy } from "./media-policy.ts";
import type { MediaStatistics } from "./media-statistics.ts";
import { createNgClient } from "./ng-client.ts";
import { createRtpengineAnchor, DEFAULT_CALL_ID_PREFIX } from "./rtpengine-anchor.ts";
import { refuseUnbundlable } from "./rtpengine-bundle.ts";

/** Media anchoring settings, from the MEDIA_*, RTPENGINE_* and JANUS_* variables. */
export interface MediaConfig {
  /**
   * MEDIA_ANCHOR: `rtpengine` (default; anchored when RTPENGINE_NG is set, SDP passes through
   * otherwise) or `janus` (Janus's NoSIP plugin at JANUS_WS: BUNDLE, no transcoding).
   */
  readonly anchor: "rtpengine" | "janus";
  /** The Janus settings (JANUS_*), set when MEDIA_ANCHOR=janus. */
  readonly janus: JanusConfig | undefined;
  /** RTPENGINE_NG=host:port of rtpengine's ng listener; absent = SDP passes through unanchored. */
  readonly ng: { readonly host: string; readonly port: number } | undefined;
  /** RTPENGINE_TIMEOUT_MS: wait for one ng reply; default 1000. */
  readonly timeoutMs: number;
  /** RTPENGINE_RETRIES: retransmissions of an ng request; default 2. */
  readonly retries: number;
  /**
   * RTPENGINE_CALL_ID_PREFIX: starts the rtpengine call-id (with Janus: the NoSIP handle's
   * opaque_id) of every call this gateway anchors, so that it can tell its calls from those of other
   * users of the anchor; default "camara-gw-". Gateways sharing one anchor need different prefixes.
   */
  readonly callIdPrefix: string;
  /**
   * RTPENGINE_RECLAIM_ON_START: on start, delete the calls under the prefix that an earlier run left
   * in the anchor (sessions live in memory, so no call survives a restart); default true.
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
 * - MEDIA_ANCHOR: rtpengine|janus (default rtpengine); janus needs JANUS_WS (janus-config.ts)
 */
export function readMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  return readAlone(readMediaSettings, env);
}

/** {@link readMediaConfig} on the gateway's shared reader, its problems named with every other. */
export function readMediaSettings(r: EnvReader): MediaConfig {
  const { env } = r;
  let ng: MediaConfig["ng"];
  const raw = env.RTPENGINE_NG;
  if (raw) {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535)
      r.problem(`RTPENGINE_NG=${raw} must be host:port of rtpengine's listen-ng, e.g. 127.0.0.1:2223.`);
    else ng = { host: match[1].replace(/^\[|\]$/g, ""), port };
  }
  const codecs = <T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] => {
    const value = env[name];
    if (value === undefined || value.trim() === "") return [...fallback];
    const list = value.split(",").map((c) => c.trim());
    const canonical = list.map((c) => allowed.find((a) => a.toLowerCase() === c.toLowerCase()));
    const unknown = list.filter((_, i) => canonical[i] === undefined);
    if (unknown.length > 0)
      r.problem(`${name}: ${unknown.join(", ")} not supported; use ${allowed.join(", ")}.`);
    return [...new Set(canonical.filter((c): c is T => c !== undefined))];
  };
  const transport = env.MEDIA_NETWORK_TRANSPORT ?? DEFAULT_MEDIA_POLICY.networkTransport;
  if (transport !== "RTP/AVP" && transport !== "RTP/SAVP")
    r.problem(`MEDIA_NETWORK_TRANSPORT=${transport} must be RTP/AVP or RTP/SAVP (SDES-SRTP).`);
  const prefix = env.RTPENGINE_CALL_ID_PREFIX ?? DEFAULT_CALL_ID_PREFIX;
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(prefix))
    r.problem(
      `RTPENGINE_CALL_ID_PREFIX=${prefix} must be 1 to 32 letters, digits, ".", "_" or "-", e.g. ${DEFAULT_CALL_ID_PREFIX}.`,
    );
  const anchor = env.MEDIA_ANCHOR === undefined || env.MEDIA_ANCHOR === "" ? "rtpengine" : env.MEDIA_ANCHOR;
  if (anchor !== "rtpengine" && anchor !== "janus")
    r.problem(`MEDIA_ANCHOR=${anchor} must be rtpengine or janus.`);
  const janus = anchor === "janus" ? readJanusConfig(env, r.problems) : undefined;
  const config: MediaConfig = {
    anchor: anchor === "janus" ? "janus" : "rtpengine",
    janus,
    ng,
    timeoutMs: r.int("RTPENGINE_TIMEOUT_MS", 1000, 10, 60_000),
    retries: r.int("RTPENGINE_RETRIES", 2, 0, 10),
    callIdPrefix: prefix,
    reclaimOnStart: r.bool("RTPENGINE_RECLAIM_ON_START", true),
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
      telephoneEvent: r.bool("MEDIA_TELEPHONE_EVENT", DEFAULT_MEDIA_POLICY.telephoneEvent),
      networkTransport: transport === "RTP/SAVP" ? "RTP/SAVP" : "RTP/AVP",
      transcoding: r.bool("MEDIA_TRANSCODING", DEFAULT_MEDIA_POLICY.transcoding),
    },
  };
  if (config.policy.audio.length === 0) r.problem("MEDIA_AUDIO_CODECS must name at least one codec.");
  return config;
}

/** What the gateway and its tests read from an anchor besides the MediaAnchor interface. */
export interface InspectableMediaAnchor extends MediaAnchor {
  /** Media statistics of a call by media session id (or SIP Call-ID); undefined if the anchor has none. */
  query(id: string): Promise<MediaStatistics | undefined>;
  /** Media session ids of the calls the anchor holds under this gateway's prefix. */
  list(): Promise<string[]>;
  /** Every call the anchor holds, whoever created it. */
  callIds(): Promise<string[]>;
  /**
   * Deletes the calls under the prefix that this process does not anchor, except `spare` (calls a
   * restarted gateway carries on); resolves with their ids.
   */
  reclaim(spare?: ReadonlySet<string>): Promise<string[]>;
  ping(): Promise<boolean>;
}

/** A configured anchor and the start-up reclaim of calls an earlier run left. */
export interface ConfiguredMediaAnchor {
  readonly kind: "rtpengine" | "janus";
  readonly anchor: InspectableMediaAnchor;
  /**
   * Settles once the calls an earlier run left in the anchor are deleted (RTPENGINE_RECLAIM_ON_START),
   * with their media session ids; never rejects (a failure is logged: the anchor's own timeout then
   * reclaims them).
   */
  readonly reclaimed: Promise<string[]>;
  /** Closes the anchor's control connections. */
  close(): Promise<void>;
}

/**
 * The anchor for a configuration: Janus with MEDIA_ANCHOR=janus, rtpengine when RTPENGINE_NG is
 * set, else undefined (SDP passes through). Starts the reclaim at once: calls the new process creates
 * meanwhile are its own and are kept.
 */
export function createMediaAnchorFromConfig(
  config: MediaConfig,
  logger: Logger,
  options: {
    /** The media session ids the reclaim at start leaves alone: calls this process carries on. */
    readonly spare?: () => Promise<ReadonlySet<string>>;
  } = {},
): ConfiguredMediaAnchor | undefined {
  const reclaim = (anchor: InspectableMediaAnchor) => reclaimAtStart(config, anchor, logger, options.spare);
  if (config.anchor === "janus" && config.janus) {
    const janus = createJanusAnchorFromConfig(config.janus, config, logger);
    logger.info(
      { janus: config.janus.url, policy: config.policy, opaqueIdPrefix: config.callIdPrefix },
      "media anchored by Janus (NoSIP)",
    );
    return { kind: "janus", anchor: janus, reclaimed: reclaim(janus), close: janus.close };
  }
  if (!config.ng) return undefined;
  const ng = createNgClient({ ...config.ng, timeoutMs: config.timeoutMs, retries: config.retries });
  const rtpengine = createRtpengineAnchor({
    ng,
    policy: config.policy,
    callIdPrefix: config.callIdPrefix,
    onDeleteError: (error, id) => logger.warn({ err: error, mediaSessionId: id }, "rtpengine delete failed"),
    logger,
  });
  logger.info(
    { ng: config.ng, policy: config.policy, callIdPrefix: config.callIdPrefix },
    "media anchored by rtpengine",
  );
  // Debian's rtpengine 10.5 cannot bundle: offers that need BUNDLE are refused with the reason.
  const anchor = { ...rtpengine, ...refuseUnbundlable(rtpengine) };
  return { kind: "rtpengine", anchor, reclaimed: reclaim(anchor), close: () => ng.close() };
}

function reclaimAtStart(
  config: MediaConfig,
  anchor: InspectableMediaAnchor,
  logger: Logger,
  spare: (() => Promise<ReadonlySet<string>>) | undefined,
): Promise<string[]> {
  const name = config.anchor;
  if (!config.reclaimOnStart) return Promise.resolve([]);
  return (spare ? spare() : Promise.resolve(undefined))
    .then((kept) => anchor.reclaim(kept))
    .then(
      (ids) => {
        if (ids.length > 0)
          logger.info({ mediaSessionIds: ids }, `deleted ${name} calls left by an earlier run`);
        return ids;
      },
      (error: unknown) => {
        logger.warn({ err: error }, `could not reclaim ${name} calls left by an earlier run`);
        return [];
      },
    );
}
