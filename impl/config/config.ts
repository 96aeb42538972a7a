import { isIP } from "node:net";
import { resolve } from "node:path";
import { readEmergencyCallsConfig } from "./emergency-calls-config.ts";
import { readSipTlsListenerConfig } from "./sip-tls-config.ts";
import { readSipTrustConfig } from "./sip-trust-config.ts";

export type { Config, EventsConfig, HttpConfig, RelayConfig, SipConfig } from "./config-types.ts";

import type { Config, EventsConfig, HttpConfig, RelayConfig, SipConfig } from "./config-types.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * Reads and validates the configuration. Every problem is collected and reported together, each
 * naming the variable and the fix, so a bad value stops start-up with one readable message.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string) => env[name] ?? fallback;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} must be an integer from ${min} to ${max}.`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = env[name] ?? fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${raw} must be one of ${allowed.join(", ")}.`);
      return fallback;
    }
    return raw as T;
  };
  const url = (name: string): string => {
    const raw = env[name];
    if (!raw) {
      problems.push(`${name} is required for this AUTH_MODE; set it to an http(s) URL.`);
      return "";
    }
    if (!/^https?:\/\//.test(raw) || !URL.canParse(raw))
      problems.push(`${name}=${raw} must be an http(s) URL.`);
    return raw;
  };
  const required = (name: string): string => {
    const raw = env[name];
    if (!raw) problems.push(`${name} is required for this AUTH_MODE.`);
    return raw ?? "";
  };

  const environment = oneOf("NODE_ENV", "development", ["development", "test", "production"] as const);
  const dataDir = resolve(str("DATA_DIR", "data"));
  const phoneClaim = str("AUTH_PHONE_CLAIM", "phone_number");
  const mode = oneOf("AUTH_MODE", "dev", ["dev", "jwt", "introspection"] as const);
  let auth: Config["auth"];
  if (mode === "dev") {
    if (environment === "production")
      problems.push("AUTH_MODE=dev is not allowed with NODE_ENV=production; use jwt or introspection.");
    const phoneNumbers = str("DEV_PHONE_NUMBERS", "+34600000001,+34600000002,+34600000003")
      .split(",")
      .map((s) => s.trim());
    for (const p of phoneNumbers)
      if (!/^\+[1-9][0-9]{4,14}$/.test(p))
        problems.push(`DEV_PHONE_NUMBERS: ${p} is not an E.164 number like +34600000001.`);
    auth = {
      mode,
      audience: str("AUTH_AUDIENCE", "camara-webrtc-gateway"),
      phoneNumbers,
      clientId: str("DEV_CLIENT_ID", "dev-client"),
      clientSecret: str("DEV_CLIENT_SECRET", "dev-secret"),
      // Nodes of a cluster share one key file and one issuer name (the balancer's), so a token of any node's issuer passes on all.
      keyFile: resolve(dataDir, str("DEV_ISSUER_KEY_FILE", "dev-issuer-key.json")),
      issuerUrl: str("DEV_ISSUER_URL", ""),
      phoneClaim,
      clockToleranceSec: int("AUTH_CLOCK_TOLERANCE_SEC", 30, 0, 300),
    };
  } else if (mode === "jwt") {
    auth = {
      mode,
      issuer: required("AUTH_ISSUER"),
      audience: required("AUTH_AUDIENCE"),
      jwksUrl: url("AUTH_JWKS_URL"),
      algorithms: str("AUTH_ALGORITHMS", "RS256,ES256,PS256")
        .split(",")
        .map((s) => s.trim()),
      clockToleranceSec: int("AUTH_CLOCK_TOLERANCE_SEC", 30, 0, 300),
      phoneClaim,
      requireAccessTokenType: oneOf("AUTH_JWT_TYP", "at+jwt", ["at+jwt", "any"] as const) === "at+jwt",
    };
  } else {
    auth = {
      mode,
      introspectionUrl: url("AUTH_INTROSPECTION_URL"),
      clientId: required("AUTH_CLIENT_ID"),
      clientSecret: required("AUTH_CLIENT_SECRET"),
      timeoutMs: int("AUTH_INTROSPECTION_TIMEOUT_MS", 2000, 100, 30000),
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      phoneClaim,
    };
  }
  const registrationTtl = {
    defaultSec: int("REGISTRATION_TTL_SEC", 3600, 60, 604800),
    minSec: int("REGISTRATION_TTL_MIN_SEC", 300, 1, 604800),
    maxSec: int("REGISTRATION_TTL_MAX_SEC", 86400, 60, 2592000),
  };
  if (
    registrationTtl.minSec > registrationTtl.defaultSec ||
    registrationTtl.defaultSec > registrationTtl.maxSec
  ) {
    problems.push("REGISTRATION_TTL_MIN_SEC ≤ REGISTRATION_TTL_SEC ≤ REGISTRATION_TTL_MAX_SEC must hold.");
  }
  const devCaDir = resolve(str("DEV_CA_DIR", resolve(dataDir, "dev-ca")));
  const events: EventsConfig = {
    sinkAllowlist: str("EVENT_SINK_ALLOWLIST", "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    source: str("EVENT_SOURCE", "urn:camara-webrtc-gateway:webrtc-events"),
    retryBaseMs: int("EVENT_RETRY_BASE_MS", 1000, 1, 3_600_000),
    retryMaxMs: int("EVENT_RETRY_MAX_MS", 300_000, 1, 86_400_000),
    retryAfterMaxMs: int("EVENT_RETRY_AFTER_MAX_MS", 3_600_000, 0, 86_400_000),
    deliveryTimeoutMs: int("EVENT_DELIVERY_TIMEOUT_MS", 10_000, 100, 300_000),
    maxAgeMs: int("EVENT_MAX_AGE_MS", 86_400_000, 1000, 2_592_000_000),
    sweepIntervalMs: int("EVENT_SWEEP_INTERVAL_MS", 1000, 10, 3_600_000),
    tokenExpiryLeadMs: int("EVENT_TOKEN_EXPIRY_LEAD_MS", 5000, 0, 3_600_000),
    endedRetentionMs: int("EVENT_ENDED_RETENTION_MS", 86_400_000, 0, 2_592_000_000),
    outboxRetentionMs: int("EVENT_OUTBOX_RETENTION_MS", 86_400_000, 0, 2_592_000_000),
    outboxPruneIntervalMs: int("EVENT_OUTBOX_PRUNE_INTERVAL_MS", 60_000, 100, 3_600_000),
    devCaDir,
    sinkCaFile:
      env.EVENT_SINK_CA_FILE ?? (environment === "production" ? undefined : resolve(devCaDir, "ca.pem")),
    sinkCaFileDefaulted: env.EVENT_SINK_CA_FILE === undefined && environment !== "production",
  };
  for (const entry of events.sinkAllowlist)
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry))
      problems.push(`EVENT_SINK_ALLOWLIST: ${entry} is not host:port (e.g. 127.0.0.1:9443 or [::1]:9443).`);
  if (!URL.canParse(events.source, "https://base.invalid"))
    problems.push(`EVENT_SOURCE=${events.source} must be a URI-reference.`);
  const relay: RelayConfig = {
    enabled:
      oneOf("RELAY_ENABLED", environment === "production" ? "false" : "true", ["true", "false"] as const) ===
      "true",
    port: int("RELAY_PORT", environment === "test" ? 0 : 9444, 0, 65535),
    host: str("RELAY_HOST", str("HOST", "127.0.0.1")),
    publicUrl: env.RELAY_PUBLIC_URL,
    tlsCertFile:
      env.RELAY_TLS_CERT_FILE ?? (environment === "production" ? undefined : resolve(devCaDir, "server.pem")),
    tlsKeyFile:
      env.RELAY_TLS_KEY_FILE ??
      (environment === "production" ? undefined : resolve(devCaDir, "server-key.pem")),
    channelTtlSec: int("RELAY_CHANNEL_TTL_SEC", 86_400, 60, 2_592_000),
    replayLimit: int("RELAY_REPLAY_LIMIT", 1000, 1, 1_000_000),
  };
  if (relay.enabled && environment === "production" && !(relay.tlsCertFile && relay.tlsKeyFile))
    problems.push("RELAY_ENABLED=true in production needs RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE.");
  if (relay.publicUrl && !/^https:\/\//.test(relay.publicUrl))
    problems.push(`RELAY_PUBLIC_URL=${relay.publicUrl} must be an https URL (sinks are https).`);
  const http: HttpConfig = {
    bodyLimitBytes: int("HTTP_BODY_LIMIT_BYTES", 262_144, 1024, 16_777_216),
    bodyMaxDepth: int("HTTP_BODY_MAX_DEPTH", 32, 3, 1000),
    headersTimeoutMs: int("HTTP_HEADERS_TIMEOUT_MS", 10_000, 100, 300_000),
    requestTimeoutMs: int("HTTP_REQUEST_TIMEOUT_MS", 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: int("HTTP_KEEP_ALIVE_TIMEOUT_MS", 5000, 0, 600_000),
    maxConnections: int("HTTP_MAX_CONNECTIONS", 10_000, 0, 1_000_000),
    trustProxy: trustProxy(env.TRUST_PROXY ?? "", problems),
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs)
    problems.push("HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS.");
  const engine = oneOf("ENGINE", "offline", ["offline", "sip"] as const);
  let sip: SipConfig | undefined;
  if (engine === "sip") {
    const transport = oneOf("SIP_TRANSPORT", "tcp", ["udp", "tcp", "tls", "ws"] as const);
    const rawProxy = env.SIP_OUTBOUND_PROXY ?? "";
    const proxy =
      /^wss?:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(rawProxy) ??
      /^sips?:([^;:]+):(\d+)/.exec(rawProxy) ??
      undefined;
    // RFC 3263: a host name without a port is located through DNS at start.
    const located = proxy
      ? undefined
      : /^(sips?):([A-Za-z0-9.-]+)(;transport=(udp|tcp|tls))?$/i.exec(rawProxy);
    if ((!proxy?.[1] || !proxy[2]) && !located)
      problems.push(
        `SIP_OUTBOUND_PROXY=${rawProxy} must be sip:host:port[;transport=udp|tcp|tls], sip:domain (located through DNS, RFC 3263) or ws://host:port for SIP_TRANSPORT=ws.`,
      );
    if (located && transport === "ws")
      problems.push(
        "SIP_TRANSPORT=ws needs SIP_OUTBOUND_PROXY=ws://host:port[/path] (RFC 3263 location is for udp, tcp and tls).",
      );
    for (const server of str("SIP_DNS_SERVERS", "")
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean))
      if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9a-fA-F:]+)$/.test(server))
        problems.push(
          `SIP_DNS_SERVERS: ${server} is not an IP address with an optional port (e.g. 127.0.0.1:5353).`,
        );
    const registrationMode = oneOf("SIP_REGISTRATION_MODE", "per-number", ["per-number", "trunk"] as const);
    const credentialsFile = env.SIP_CREDENTIALS_FILE ? resolve(env.SIP_CREDENTIALS_FILE) : undefined;
    if (registrationMode === "per-number" && !credentialsFile)
      problems.push("SIP_CREDENTIALS_FILE is required with SIP_REGISTRATION_MODE=per-number.");
    sip = {
      transport,
      outboundProxy: {
        host: proxy?.[1] ?? "",
        port: Number(proxy?.[2] ?? 0),
        ...(proxy?.[3] ? { path: proxy[3] } : {}),
      },
      locateProxy: located?.[2]
        ? {
            host: located[2],
            secure: located[1]?.toLowerCase() === "sips",
            transportParam: located[4]?.toLowerCase() as "udp" | "tcp" | "tls" | undefined,
            transportSet: env.SIP_TRANSPORT !== undefined,
          }
        : undefined,
      dnsServers: str("SIP_DNS_SERVERS", "")
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
      domain: str("SIP_DOMAIN", "localhost"),
      localHost: str("SIP_LOCAL_HOST", "127.0.0.1"),
      localPort: int("SIP_LOCAL_PORT", 0, 0, 65535),
      credentialsFile,
      registrationMode,
      registerExpiresSec: int("SIP_REGISTER_EXPIRES_SEC", 600, 10, 86400),
      sessionExpiresSec: int("SIP_SESSION_EXPIRES_SEC", 1800, 90, 86400),
      minSeSec: int("SIP_MIN_SE_SEC", 90, 90, 86400),
      inviteTimeoutMs: int("SIP_INVITE_TIMEOUT_MS", 60_000, 1000, 600_000),
      tlsCaFile: env.SIP_TLS_CA_FILE ? resolve(env.SIP_TLS_CA_FILE) : undefined,
      tlsListener: readSipTlsListenerConfig(env, transport, problems),
      trust: readSipTrustConfig(env, problems),
      emergencyCalls: readEmergencyCallsConfig(env, problems),
    };
  }
  const config: Config = {
    port: int("PORT", 9091, 0, 65535),
    host: str("HOST", "127.0.0.1"),
    environment,
    validateResponses:
      oneOf("VALIDATE_RESPONSES", environment === "production" ? "false" : "true", [
        "true",
        "false",
      ] as const) === "true",
    logLevel: oneOf("LOG_LEVEL", "info", [
      "fatal",
      "error",
      "warn",
      "info",
      "debug",
      "trace",
      "silent",
    ] as const),
    dataDir,
    storeFile: resolve(str("STORE_FILE", resolve(dataDir, "gateway.db"))),
    storeSynchronous: oneOf("SQLITE_SYNCHRONOUS", "NORMAL", ["NORMAL", "FULL"] as const),
    engine,
    sip,
    auth,
    registrationTtl,
    registrationSweepIntervalMs: int("REGISTRATION_SWEEP_INTERVAL_MS", 5000, 100, 3_600_000),
    registrationRestoreSpreadMs: int("REGISTRATION_RESTORE_SPREAD_MS", 10_000, 0, 3_600_000),
    rateLimitPerMinute: int("RATE_LIMIT_PER_MINUTE", 6000, 0, 10_000_000),
    http,
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", 10000, 100, 120_000),
    tokenCacheMs: int("AUTH_TOKEN_CACHE_MS", 60000, 0, 3_600_000),
    events,
    relay,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * TRUST_PROXY, for express's "trust proxy": empty or `false` (default: the client is the peer
 * address), a number of proxy hops in front of the gateway, or a comma-separated list of proxy
 * addresses, CIDR subnets and the names loopback, linklocal, uniquelocal. `true` (trust any
 * X-Forwarded-For, so any client could choose its rate-limit key) is refused.
 */
function trustProxy(raw: string, problems: string[]): HttpConfig["trustProxy"] {
  const value = raw.trim();
  if (value === "" || value === "false" || value === "0") return false;
  if (value === "true") {
    problems.push(
      "TRUST_PROXY=true would let any client choose its address (and rate-limit key) by X-Forwarded-For; give the number of proxies in front of the gateway (e.g. 1) or their addresses.",
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    if (Number(value) <= 10) return Number(value);
    problems.push(`TRUST_PROXY=${raw}: a hop count must be from 0 to 10.`);
    return false;
  }
  const entries = value.split(",").map((s) => s.trim());
  const valid = (entry: string) => {
    if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  };
  const bad = entries.filter((e) => !valid(e));
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY=${raw}: ${bad.join(", ")} is not an address, a subnet (10.0.0.0/8) or loopback/linklocal/uniquelocal; give the proxies in front of the gateway, or their number (e.g. 1).`,
    );
    return false;
  }
  return entries;
}
