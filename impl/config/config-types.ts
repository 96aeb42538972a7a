import type { AuthConfig } from "../auth/auth-config.ts";
import type { MediaConfig } from "../engine/media/media-config.ts";
import type { OfflineConfig } from "../engine/offline/offline-config.ts";
import type { SipConfig } from "../engine/sip/sip-config.ts";
import type { EventsConfig } from "../events/events-config.ts";
import type { HttpConfig } from "../http/http-config.ts";
import type { RelayConfig } from "../relay/relay-config.ts";
import type { RegistrationConfig } from "../services/registration-config.ts";
import type { StoreSettings } from "../store/store-config.ts";

export type { AuthConfig, EventsConfig, HttpConfig, MediaConfig, RelayConfig, SipConfig };

/**
 * Gateway configuration, read once from the environment by {@link import("./config.ts").readConfig}.
 * Each component's part is typed and read beside the component's code.
 */
export interface Config extends RegistrationConfig, StoreSettings {
  readonly port: number;
  readonly host: string;
  readonly environment: "development" | "test" | "production";
  /** Validate responses against the spec; default on except in production. */
  readonly validateResponses: boolean;
  readonly logLevel: string;
  readonly dataDir: string;
  readonly engine: "offline" | "sip";
  /** SIP engine settings (ENGINE=sip); see {@link SipConfig}. */
  readonly sip: SipConfig | undefined;
  /** Offline engine settings (ENGINE=offline); see {@link OfflineConfig}. */
  readonly offline: OfflineConfig | undefined;
  /** Media anchoring (MEDIA_*, RTPENGINE_*, JANUS_*), read with the rest before anything starts. */
  readonly media: MediaConfig;
  readonly auth: AuthConfig;
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
