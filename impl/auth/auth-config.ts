import { resolve } from "node:path";
import type { EnvReader } from "../env/env-reader.ts";

/** How access tokens are verified: AUTH_MODE and its variables. */
export type AuthConfig =
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

const FOR_MODE = "for this AUTH_MODE";

/** The AUTH_* and DEV_* variables; the development issuer keeps its key in `dataDir`. */
export function readAuthConfig(
  r: EnvReader,
  context: { readonly environment: "development" | "test" | "production"; readonly dataDir: string },
): AuthConfig {
  const phoneClaim = r.str("AUTH_PHONE_CLAIM", "phone_number");
  const mode = r.oneOf("AUTH_MODE", "dev", ["dev", "jwt", "introspection"] as const);
  if (mode === "dev") {
    if (context.environment === "production")
      r.problem("AUTH_MODE=dev is not allowed with NODE_ENV=production; use jwt or introspection.");
    const phoneNumbers = r
      .str("DEV_PHONE_NUMBERS", "+34600000001,+34600000002,+34600000003")
      .split(",")
      .map((s) => s.trim());
    for (const p of phoneNumbers)
      if (!/^\+[1-9][0-9]{4,14}$/.test(p))
        r.problem(`DEV_PHONE_NUMBERS: ${p} is not an E.164 number like +34600000001.`);
    return {
      mode,
      audience: r.str("AUTH_AUDIENCE", "camara-webrtc-gateway"),
      phoneNumbers,
      clientId: r.str("DEV_CLIENT_ID", "dev-client"),
      clientSecret: r.str("DEV_CLIENT_SECRET", "dev-secret"),
      // Nodes of a cluster share one key file and one issuer name (the balancer's), so a token of any node's issuer passes on all.
      keyFile: resolve(context.dataDir, r.str("DEV_ISSUER_KEY_FILE", "dev-issuer-key.json")),
      issuerUrl: r.str("DEV_ISSUER_URL", ""),
      phoneClaim,
      clockToleranceSec: r.int("AUTH_CLOCK_TOLERANCE_SEC", 30, 0, 300),
    };
  }
  if (mode === "jwt")
    return {
      mode,
      issuer: r.required("AUTH_ISSUER", FOR_MODE),
      audience: r.required("AUTH_AUDIENCE", FOR_MODE),
      jwksUrl: r.url("AUTH_JWKS_URL", FOR_MODE),
      algorithms: r
        .str("AUTH_ALGORITHMS", "RS256,ES256,PS256")
        .split(",")
        .map((s) => s.trim()),
      clockToleranceSec: r.int("AUTH_CLOCK_TOLERANCE_SEC", 30, 0, 300),
      phoneClaim,
      requireAccessTokenType: r.oneOf("AUTH_JWT_TYP", "at+jwt", ["at+jwt", "any"] as const) === "at+jwt",
    };
  return {
    mode,
    introspectionUrl: r.url("AUTH_INTROSPECTION_URL", FOR_MODE),
    clientId: r.required("AUTH_CLIENT_ID", FOR_MODE),
    clientSecret: r.required("AUTH_CLIENT_SECRET", FOR_MODE),
    timeoutMs: r.int("AUTH_INTROSPECTION_TIMEOUT_MS", 2000, 100, 30000),
    issuer: r.env.AUTH_ISSUER,
    audience: r.env.AUTH_AUDIENCE,
    phoneClaim,
  };
}
