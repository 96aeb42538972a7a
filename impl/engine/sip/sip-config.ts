import { resolve } from "node:path";
import type { EnvReader } from "../../env/env-reader.ts";
import { readEmergencyCallsConfig } from "./emergency/emergency-calls-config.ts";
import { readSipProxyConfig, type SipProxyConfig } from "./locate/sip-proxy-config.ts";
import { readSipTlsListenerConfig, type SipTlsListenerConfig } from "./transport/sip-tls-config.ts";
import { readSipTrustConfig, type SipTrustConfig } from "./transport/sip-trust-config.ts";

/** The SIP side of the gateway (impl/engine/sip), from the SIP_* variables. */
export interface SipConfig extends SipProxyConfig {
  readonly transport: "udp" | "tcp" | "tls" | "ws" | "wss";
  readonly domain: string;
  /** SIP_LOCAL_HOST: the address the gateway binds and announces (with tls, ws and wss, its end of the proxy connection). */
  readonly localHost: string;
  /** SIP_LOCAL_PORT: the UDP/TCP listener's port, 0 = a free port chosen at start; unused with tls, ws and wss (client connections only). */
  readonly localPort: number;
  /** JSON file: {"+34600000001": "password", …} (impl/engine/sip/registration/sip-credentials.ts). */
  readonly credentialsFile: string | undefined;
  readonly registrationMode: "per-number" | "trunk";
  readonly registerExpiresSec: number;
  readonly sessionExpiresSec: number;
  readonly minSeSec: number;
  /** SIP_INVITE_TIMEOUT_MS: an outgoing INVITE without a final response by then is cancelled (NoAnswer). */
  readonly inviteTimeoutMs: number;
  readonly tlsCaFile: string | undefined;
  /** SIP_TLS_CERT_FILE, SIP_TLS_KEY_FILE, SIP_TLS_LISTEN_PORT, SIP_TLS_CLIENT_CA_FILE (transport/sip-tls-config.ts). */
  readonly tlsListener: SipTlsListenerConfig | undefined;
  /** SIP_TRUSTED_PEERS, SIP_UNTRUSTED_PAI (transport/sip-trust-config.ts). */
  readonly trust: SipTrustConfig;
  /** EMERGENCY_CALLS (emergency/emergency-calls-config.ts): whether emergency originates are placed. */
  readonly emergencyCalls: boolean;
}

/** The SIP_* variables (ENGINE=sip); per-number registration needs SIP_CREDENTIALS_FILE. */
export function readSipConfig(r: EnvReader): SipConfig {
  const transport = r.oneOf("SIP_TRANSPORT", "tcp", ["udp", "tcp", "tls", "ws", "wss"] as const);
  const registrationMode = r.oneOf("SIP_REGISTRATION_MODE", "per-number", ["per-number", "trunk"] as const);
  const credentialsFile = r.env.SIP_CREDENTIALS_FILE ? resolve(r.env.SIP_CREDENTIALS_FILE) : undefined;
  if (registrationMode === "per-number" && !credentialsFile)
    r.problem("SIP_CREDENTIALS_FILE is required with SIP_REGISTRATION_MODE=per-number.");
  return {
    transport,
    ...readSipProxyConfig(r, transport),
    domain: r.str("SIP_DOMAIN", "localhost"),
    localHost: r.str("SIP_LOCAL_HOST", "127.0.0.1"),
    localPort: r.int("SIP_LOCAL_PORT", 0, 0, 65535),
    credentialsFile,
    registrationMode,
    registerExpiresSec: r.int("SIP_REGISTER_EXPIRES_SEC", 600, 10, 86400),
    sessionExpiresSec: r.int("SIP_SESSION_EXPIRES_SEC", 1800, 90, 86400),
    minSeSec: r.int("SIP_MIN_SE_SEC", 90, 90, 86400),
    inviteTimeoutMs: r.int("SIP_INVITE_TIMEOUT_MS", 60_000, 1000, 600_000),
    tlsCaFile: r.env.SIP_TLS_CA_FILE ? resolve(r.env.SIP_TLS_CA_FILE) : undefined,
    tlsListener: readSipTlsListenerConfig(r.env, transport, r.problems),
    trust: readSipTrustConfig(r.env, r.problems),
    emergencyCalls: readEmergencyCallsConfig(r.env, r.problems),
  };
}
