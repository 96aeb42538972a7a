import type { SuiteRelease } from "../run/suite-release.ts";

/** The token profiles the step library asks for; each maps to one {@link TokenSource}. */
export const TOKEN_PROFILES = [
  "valid",
  "expired",
  "invalid",
  "missingScope",
  "otherSubscriber",
  "noSubscriber",
] as const;
export type TokenProfile = (typeof TOKEN_PROFILES)[number];

/**
 * Where a profile's access token comes from:
 * - `static`: the token itself (e.g. from an environment variable);
 * - `oauth2`: a client-credentials grant at `auth.oauth2.tokenUrl`, with these extra form
 *   parameters (e.g. `phone_number`, `expires_in`); `scope` defaults to every scope of the APIs;
 * - `command`: a shell command printing the token on stdout (env: PROFILE, SCOPES, API_ROOT);
 * - `tamper`: another profile's token with its signature altered.
 * `usableAfterSec` delays first use, e.g. until a short-lived token has expired beyond the
 * gateway's clock tolerance.
 */
export type TokenSource =
  | { readonly kind: "static"; readonly token: string; readonly usableAfterSec: number }
  | {
      readonly kind: "oauth2";
      readonly params: Readonly<Record<string, string>>;
      readonly usableAfterSec: number;
    }
  | { readonly kind: "command"; readonly command: string; readonly usableAfterSec: number }
  | { readonly kind: "tamper"; readonly of: TokenProfile; readonly usableAfterSec: number };

/** What kind of real resource a placeholder id in an upstream feature stands for. */
export const RESOURCE_KINDS = ["registration", "mediaSession", "subscription"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export type PlaceholderBinding = { readonly resource: ResourceKind } | { readonly asset: string };

/** The target of a conformance run: one gateway, how to get tokens for it, and its test assets. */
export interface TargetConfig {
  /** Scheme, host and optional prefix in front of every API base path, e.g. `https://api.example.com`. */
  readonly apiRoot: string;
  /** The CAMARA release checked (`release:`, or `--release`; default r2.2): its features, paths, schemas and defects. */
  readonly release: SuiteRelease;
  /** Named values for `an environment at "<name>"` and for `{{name}}` in step arguments. */
  readonly variables: Readonly<Record<string, string>>;
  readonly auth: {
    readonly oauth2?: {
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** `basic` (RFC 6749 §2.3.1, default) or `post` (credentials in the form body). */
      readonly clientAuth: "basic" | "post";
    };
    readonly profiles: Readonly<Record<TokenProfile, TokenSource>>;
  };
  /** Testing assets (CAMARA API-Testing-Guidelines §Environment variables), e.g. `phoneNumber`. */
  readonly assets: Readonly<Record<string, string>>;
  /** Upstream placeholder ids bound to resources created before each scenario; empty: use literally. */
  readonly placeholders: Readonly<Record<string, PlaceholderBinding>>;
  /** The callback sink for @events scenarios; absent: those scenarios are not selected. */
  readonly sink?: {
    readonly host: string;
    readonly port: number;
    /** The sink URL as the gateway must call it; `{port}` is replaced by the bound port. */
    readonly publicUrl: string;
    /**
     * PEM files of the sink's TLS certificate and key; absent: a self-signed certificate for
     * 127.0.0.1 is made per run (the gateway must then be told to trust it, see the README).
     */
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
  };
  /**
   * APIs of a release the target does not serve (yet), by release (`notServed: { r3.1-rc.1: webrtc-events }`):
   * their features are not selected and the summary counts them as not served.
   */
  readonly notServed: Readonly<Record<string, readonly string[]>>;
  /** Optional capabilities of the target; scenarios tagged `@<name>` need `<name>: true`. */
  readonly supports: Readonly<Record<string, boolean>>;
  /** Seed of the generated test data; the scenario's name is mixed in. */
  readonly seed: string;
  readonly timeouts: { readonly requestMs: number; readonly notificationMs: number };
  /** For @sip scenarios: callee addresses by behaviour and the command that places an incoming call. */
  readonly testNetwork: {
    readonly callees: Readonly<Record<string, string>>;
    readonly placeIncomingCall?: string;
  };
}
