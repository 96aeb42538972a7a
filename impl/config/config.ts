import { resolve } from "node:path";

/** Gateway configuration, read once from the environment by {@link readConfig}. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly environment: "development" | "test" | "production";
  /** Validate responses against the spec; default on except in production. */
  readonly validateResponses: boolean;
  readonly logLevel: string;
  readonly storeFile: string;
  /** SQLite synchronous pragma: NORMAL survives process crashes, FULL also power cuts. */
  readonly storeSynchronous: "NORMAL" | "FULL";
  readonly dataDir: string;
  readonly engine: "offline";
  readonly auth:
    | {
        readonly mode: "dev";
        readonly audience: string;
        readonly phoneNumbers: readonly string[];
        readonly clientId: string;
        readonly clientSecret: string;
        readonly keyFile: string;
        readonly phoneClaim: string;
      }
    | {
        readonly mode: "jwt";
        readonly issuer: string;
        readonly audience: string;
        readonly jwksUrl: string;
        readonly algorithms: readonly string[];
        readonly clockToleranceSec: number;
        readonly phoneClaim: string;
      }
    | {
        readonly mode: "introspection";
        readonly introspectionUrl: string;
        readonly clientId: string;
        readonly clientSecret: string;
        readonly timeoutMs: number;
        readonly issuer: string | undefined;
        readonly audience: string | undefined;
        readonly phoneClaim: string;
      };
  readonly registrationTtl: { readonly defaultSec: number; readonly minSec: number; readonly maxSec: number };
  readonly registrationSweepIntervalMs: number;
  /** Requests per client IP per minute; 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  readonly shutdownTimeoutMs: number;
  /** How long a verified token is trusted without re-verification (never past its exp); 0 disables. */
  readonly tokenCacheMs: number;
}

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
      keyFile: resolve(dataDir, "dev-issuer-key.json"),
      phoneClaim,
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
    engine: oneOf("ENGINE", "offline", ["offline"] as const),
    auth,
    registrationTtl,
    registrationSweepIntervalMs: int("REGISTRATION_SWEEP_INTERVAL_MS", 5000, 100, 3_600_000),
    rateLimitPerMinute: int("RATE_LIMIT_PER_MINUTE", 6000, 0, 10_000_000),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", 10000, 100, 120_000),
    tokenCacheMs: int("AUTH_TOKEN_CACHE_MS", 60000, 0, 3_600_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
