import { resolve } from "node:path";
import type { EnvReader } from "../env/env-reader.ts";

/** The notification relay for browsers (impl/relay), from the RELAY_* variables. */
export interface RelayConfig {
  readonly enabled: boolean;
  /** RELAY_PORT: HTTPS port of the relay's sinks; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** RELAY_PUBLIC_URL: origin put in the sink URLs handed out (default https://<host>:<port>). */
  readonly publicUrl: string | undefined;
  /**
   * RELAY_TLS_CERT_FILE / RELAY_TLS_KEY_FILE: required in production; outside production they default
   * to the development CA's loopback certificate (`$DEV_CA_DIR/server.pem`, `server-key.pem`).
   */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly channelTtlSec: number;
  /** Events kept per channel for replay after a reconnection. */
  readonly replayLimit: number;
}

/** The RELAY_* variables: on by default outside production, with the development CA's certificate. */
export function readRelayConfig(
  r: EnvReader,
  context: { readonly environment: "development" | "test" | "production"; readonly devCaDir: string },
): RelayConfig {
  const { environment, devCaDir } = context;
  const dev = environment !== "production";
  const relay: RelayConfig = {
    enabled: r.oneOf("RELAY_ENABLED", dev ? "true" : "false", ["true", "false"] as const) === "true",
    port: r.int("RELAY_PORT", environment === "test" ? 0 : 9444, 0, 65535),
    host: r.str("RELAY_HOST", r.str("HOST", "127.0.0.1")),
    publicUrl: r.env.RELAY_PUBLIC_URL,
    tlsCertFile: r.env.RELAY_TLS_CERT_FILE ?? (dev ? resolve(devCaDir, "server.pem") : undefined),
    tlsKeyFile: r.env.RELAY_TLS_KEY_FILE ?? (dev ? resolve(devCaDir, "server-key.pem") : undefined),
    channelTtlSec: r.int("RELAY_CHANNEL_TTL_SEC", 86_400, 60, 2_592_000),
    replayLimit: r.int("RELAY_REPLAY_LIMIT", 1000, 1, 1_000_000),
  };
  if (relay.enabled && !dev && !(relay.tlsCertFile && relay.tlsKeyFile))
    r.problem("RELAY_ENABLED=true in production needs RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE.");
  if (relay.publicUrl && !/^https:\/\//.test(relay.publicUrl))
    r.problem(`RELAY_PUBLIC_URL=${relay.publicUrl} must be an https URL (sinks are https).`);
  return relay;
}
