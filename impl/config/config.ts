import { resolve } from "node:path";
import { readAuthConfig } from "../auth/auth-config.ts";
import { readMediaSettings } from "../engine/media/media-config.ts";
import { readOfflineConfig } from "../engine/offline/offline-config.ts";
import { readSipConfig } from "../engine/sip/sip-config.ts";
import { EnvReader } from "../env/env-reader.ts";
import { readEventsConfig } from "../events/events-config.ts";
import { readHttpConfig } from "../http/http-config.ts";
import { readRelayConfig } from "../relay/relay-config.ts";
import { readRegistrationConfig } from "../services/registration-config.ts";
import { readStoreSettings } from "../store/store-config.ts";
import type { Config } from "./config-types.ts";

export { ConfigError } from "../env/env-reader.ts";
export type { Config, EventsConfig, HttpConfig, RelayConfig, SipConfig } from "./config-types.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Reads and validates the whole configuration before anything starts (store, relay, SIP, media).
 * Each component's settings are read beside its code by a `readXConfig(r, …)` on the one shared
 * {@link EnvReader}, hooked here with one line; every problem of every component is reported
 * together, each naming the variable and the fix, in one {@link ConfigError}.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new EnvReader(env);
  const environment = r.oneOf("NODE_ENV", "development", ["development", "test", "production"] as const);
  const dataDir = resolve(r.str("DATA_DIR", "data"));
  const devCaDir = resolve(r.str("DEV_CA_DIR", resolve(dataDir, "dev-ca")));
  const engine = r.oneOf("ENGINE", "offline", ["offline", "sip"] as const);
  const production = environment === "production";
  const config: Config = {
    port: r.int("PORT", 9091, 0, 65535),
    host: r.str("HOST", "127.0.0.1"),
    environment,
    validateResponses:
      r.oneOf("VALIDATE_RESPONSES", production ? "false" : "true", ["true", "false"]) === "true",
    logLevel: r.oneOf("LOG_LEVEL", "info", LOG_LEVELS),
    dataDir,
    ...readStoreSettings(r, { dataDir }),
    engine,
    sip: engine === "sip" ? readSipConfig(r) : undefined,
    offline: engine === "offline" ? readOfflineConfig(r) : undefined,
    media: readMediaSettings(r),
    auth: readAuthConfig(r, { environment, dataDir }),
    ...readRegistrationConfig(r),
    rateLimitPerMinute: r.int("RATE_LIMIT_PER_MINUTE", 6000, 0, 10_000_000),
    http: readHttpConfig(r),
    shutdownTimeoutMs: r.int("SHUTDOWN_TIMEOUT_MS", 10000, 100, 120_000),
    tokenCacheMs: r.int("AUTH_TOKEN_CACHE_MS", 60000, 0, 3_600_000),
    events: readEventsConfig(r, { environment, devCaDir }),
    relay: readRelayConfig(r, { environment, devCaDir }),
  };
  r.check();
  return config;
}
