import { createDevIssuer } from "./auth/dev-issuer.ts";
import { createJwtVerifier } from "./auth/jwt-verifier.ts";
import type { TokenVerifier } from "./auth/principal.ts";
import type { createApp } from "./http/create-app.ts";
import { mountDevIssuer } from "./http/dev-issuer-routes.ts";

/** Options of {@link createDevAuth}. */
export interface DevAuthOptions {
  /** E.164 test subscribers tokens may be issued for. Default `+34600000001` and `+34600000002`. */
  readonly phoneNumbers?: readonly string[];
  /** The client allowed at the token endpoint. Default `dev-client` / `dev-secret`. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** `aud` of the tokens. Default `camara-webrtc-gateway`. */
  readonly audience?: string;
  /** Where the issuer's routes are mounted. Default `/dev-issuer`. */
  readonly mountPath?: string;
}

/** The embedded development issuer and the verifier of its tokens; never for production. */
export interface DevAuth {
  readonly verifier: TokenVerifier;
  /** Mounts `<mountPath>/token`, `/jwks`, `/introspect` and the discovery document. */
  readonly mount: (app: ReturnType<typeof createApp>) => void;
}

/**
 * An OAuth 2.0 client-credentials issuer inside the app (tokens name a test subscriber through the
 * `phone_number` form parameter), so that the conformance suite can get tokens from a fresh
 * project with no authorization server. Production points the verifier at the operator's issuer.
 */
export async function createDevAuth(options: DevAuthOptions = {}): Promise<DevAuth> {
  const mountPath = options.mountPath ?? "/dev-issuer";
  const audience = options.audience ?? "camara-webrtc-gateway";
  // An identifier, not a network address: tokens are issued and verified in this process.
  const issuerUrl = `http://127.0.0.1${mountPath}`;
  const issuer = await createDevIssuer({
    issuer: issuerUrl,
    audience,
    clients: [
      { clientId: options.clientId ?? "dev-client", clientSecret: options.clientSecret ?? "dev-secret" },
    ],
    phoneNumbers: options.phoneNumbers ?? ["+34600000001", "+34600000002"],
  });
  return {
    verifier: createJwtVerifier({ issuer: issuerUrl, audience, jwks: issuer.jwks() }),
    mount: (app) => mountDevIssuer(app, mountPath, issuer),
  };
}
