import type { SipTlsListenerConfig } from "./sip-tls-config.ts";
import type { SipTrustConfig } from "./sip-trust-config.ts";

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
  readonly engine: "offline" | "sip";
  /** SIP engine settings (ENGINE=sip); see {@link SipConfig}. */
  readonly sip: SipConfig | undefined;
  readonly auth:
    | {
        readonly mode: "dev";
        readonly audience: string;
        readonly phoneNumbers: readonly string[];
        readonly clientId: string;
        readonly clientSecret: string;
        readonly keyFile: string;
        /** DEV_ISSUER_URL: the issuer identifier; "" for this process's own `/dev-issuer` URL. */
        readonly issuerUrl: string;
        readonly phoneClaim: string;
        readonly clockToleranceSec: number;
      }
    | {
        readonly mode: "jwt";
        readonly issuer: string;
        readonly audience: string;
        readonly jwksUrl: string;
        readonly algorithms: readonly string[];
        readonly clockToleranceSec: number;
        readonly phoneClaim: string;
        /** AUTH_JWT_TYP: `at+jwt` (RFC 9068 §4, default) or `any` for issuers that do not set it. */
        readonly requireAccessTokenType: boolean;
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
  /** REGISTRATION_RESTORE_SPREAD_MS: the window over which start-up re-REGISTERs are spread evenly, ms. */
  readonly registrationRestoreSpreadMs: number;
  /** Requests per client IP per minute; 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  /** The HTTP server and request limits (impl/http). */
  readonly http: HttpConfig;
  readonly shutdownTimeoutMs: number;
  /** How long a verified token is trusted without re-verification (never past its exp); 0 disables. */
  readonly tokenCacheMs: number;
  /** webrtc-events delivery (impl/events). */
  readonly events: EventsConfig;
  /** The notification relay for browsers (impl/relay). */
  readonly relay: RelayConfig;
}

export interface HttpConfig {
  /** HTTP_BODY_LIMIT_BYTES: largest request body read. */
  readonly bodyLimitBytes: number;
  /** HTTP_BODY_MAX_DEPTH: deepest nesting of objects and arrays in a body (the top level is 1). */
  readonly bodyMaxDepth: number;
  /** HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS: time to receive the headers, the whole request. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** HTTP_MAX_CONNECTIONS: connections beyond this are closed on accept; 0 sets no limit. */
  readonly maxConnections: number;
  /** TRUST_PROXY: express "trust proxy": off, a number of proxy hops, or proxy addresses/subnets. */
  readonly trustProxy: false | number | readonly string[];
}

export interface EventsConfig {
  /** EVENT_SINK_ALLOWLIST: `host:port` sinks accepted even on loopback/private addresses, and the only ones contacted in development and test. */
  readonly sinkAllowlist: readonly string[];
  /** EVENT_SOURCE: CloudEvent `source` (a URI-reference). */
  readonly source: string;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly retryAfterMaxMs: number;
  readonly deliveryTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly sweepIntervalMs: number;
  readonly tokenExpiryLeadMs: number;
  readonly endedRetentionMs: number;
  /** EVENT_OUTBOX_RETENTION_MS: undeliverable outbox rows (failed, expired, dropped) are removed this long after. */
  readonly outboxRetentionMs: number;
  /** EVENT_OUTBOX_PRUNE_INTERVAL_MS: how often the outbox retention runs. */
  readonly outboxPruneIntervalMs: number;
  /** DEV_CA_DIR: where the development CA's files are read from outside production (`npm run dev-ca` makes them). */
  readonly devCaDir: string;
  /**
   * EVENT_SINK_CA_FILE: PEM CA(s) trusted for allow-listed loopback/private sinks, beside the system
   * store. Default outside production: `$DEV_CA_DIR/ca.pem`; in production none.
   */
  readonly sinkCaFile: string | undefined;
  /** True when {@link sinkCaFile} is the development CA by default rather than configured. */
  readonly sinkCaFileDefaulted: boolean;
}

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

/** The SIP side of the gateway (impl/engine/sip), from the SIP_* variables. */
export interface SipConfig {
  readonly transport: "udp" | "tcp" | "tls" | "ws";
  /** SIP_OUTBOUND_PROXY: `sip:host:port[;transport=…]` or `ws://host:port[/path]`; port 0 while {@link locateProxy} holds. */
  readonly outboundProxy: { readonly host: string; readonly port: number; readonly path?: string };
  /**
   * SIP_OUTBOUND_PROXY with a host name and no port (`sip:ims.example`, `sips:…`, `;transport=`): the
   * proxy is located at start through DNS, NAPTR → SRV → A/AAAA (RFC 3263), among the transports
   * SIP_TRANSPORT allows (all of udp, tcp, tls when SIP_TRANSPORT is not set).
   */
  readonly locateProxy:
    | {
        readonly host: string;
        readonly secure: boolean;
        readonly transportParam: "udp" | "tcp" | "tls" | undefined;
        readonly transportSet: boolean;
      }
    | undefined;
  /** SIP_DNS_SERVERS: resolvers for RFC 3263 (`host[:port]`, comma-separated); default the system's. */
  readonly dnsServers: readonly string[];
  readonly domain: string;
  /** SIP_LOCAL_HOST: the address the gateway binds and announces (with tls and ws, its end of the proxy connection). */
  readonly localHost: string;
  /** SIP_LOCAL_PORT: the UDP/TCP listener's port, 0 = a free port chosen at start; unused with tls and ws (client connections only). */
  readonly localPort: number;
  /** JSON file: {"+34600000001": "password", …} (impl/engine/sip/sip-credentials.ts). */
  readonly credentialsFile: string | undefined;
  readonly registrationMode: "per-number" | "trunk";
  readonly registerExpiresSec: number;
  readonly sessionExpiresSec: number;
  readonly minSeSec: number;
  /** SIP_INVITE_TIMEOUT_MS: an outgoing INVITE without a final response by then is cancelled (NoAnswer). */
  readonly inviteTimeoutMs: number;
  readonly tlsCaFile: string | undefined;
  /** SIP_TLS_CERT_FILE, SIP_TLS_KEY_FILE, SIP_TLS_LISTEN_PORT, SIP_TLS_CLIENT_CA_FILE (sip-tls-config.ts). */
  readonly tlsListener: SipTlsListenerConfig | undefined;
  /** SIP_TRUSTED_PEERS, SIP_UNTRUSTED_PAI (sip-trust-config.ts). */
  readonly trust: SipTrustConfig;
  /** EMERGENCY_CALLS (emergency-calls-config.ts): whether emergency originates are placed. */
  readonly emergencyCalls: boolean;
}
