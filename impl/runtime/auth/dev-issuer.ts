import { randomUUID } from "node:crypto";
import { createLocalJWKSet, type JSONWebKeySet, SignJWT } from "jose";
import type { ClientCredentials } from "./client-authentication.ts";
import { clientCredentialsGrant } from "./client-credentials-grant.ts";
import type { IssueTokenRequest } from "./issue-token-request.ts";
import { issuerMetadata } from "./issuer-metadata.ts";
import type { OAuthResponse } from "./oauth-response.ts";
import { toE164 } from "./principal-from-claims.ts";
import { loadSigningKey, type SigningAlgorithm } from "./signing-key.ts";
import { introspectToken } from "./token-introspection.ts";

export type { IssueTokenRequest };

/** Options of {@link createDevIssuer}. */
export interface DevIssuerOptions {
  /** The issuer identifier and base URL of its routes, e.g. `http://127.0.0.1:9091/dev-issuer`. */
  readonly issuer: string;
  /** `aud` of every token: the gateway's identifier. */
  readonly audience: string;
  /** Clients allowed at the token and introspection endpoints. At least one. */
  readonly clients: readonly ClientCredentials[];
  /** E.164 test subscribers the token endpoint may issue tokens for. */
  readonly phoneNumbers: readonly string[];
  /** Scopes granted on request, and by default when a request names none. Default: any valid scope. */
  readonly scopes?: readonly string[];
  /** Lifetime of a token when the request asks for none, in seconds. Default 3600. */
  readonly tokenLifetimeSec?: number;
  /** Signature algorithm. Default `"ES256"`. */
  readonly keyAlg?: SigningAlgorithm;
  /** Where to keep the private JWK (created with mode 0600) so tokens outlive a restart. Default: memory only. */
  readonly keyFile?: string;
  /** Current time, epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
}

/** An embedded OAuth 2.0 authorization server for development; mount its functions as routes. */
export interface DevIssuer {
  readonly issuer: string;
  /** Body of `GET <issuer>/.well-known/openid-configuration`. */
  discovery(): Readonly<Record<string, unknown>>;
  /** Body of `GET <issuer>/jwks`: the public keys only. */
  jwks(): JSONWebKeySet;
  issueToken(request: IssueTokenRequest): Promise<string>;
  /** `POST <issuer>/token` (form body), RFC 6749 §4.4. */
  tokenEndpoint(form: URLSearchParams, authorizationHeader: string | undefined): Promise<OAuthResponse>;
  /** `POST <issuer>/introspect` (form body), RFC 7662. */
  introspect(form: URLSearchParams, authorizationHeader: string | undefined): Promise<OAuthResponse>;
}

/**
 * Creates the development issuer. Never expose it outside a developer's machine: it hands a token
 * for any configured subscriber to any configured client.
 *
 * @throws TypeError when the options are inconsistent; Error when `keyFile` holds an unusable key.
 */
export async function createDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const issuer = options.issuer.replace(/\/+$/, "");
  const [firstClient] = options.clients;
  if (firstClient === undefined) throw new TypeError("Dev issuer: configure at least one client.");
  const defaultClientId = firstClient.clientId;
  const badNumber = options.phoneNumbers.find((n) => toE164(n) !== n);
  if (badNumber !== undefined) throw new TypeError(`Dev issuer: phone number ${badNumber} is not E.164.`);
  const tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
  if (!isPositiveInteger(tokenLifetimeSec)) throw new TypeError("Dev issuer: tokenLifetimeSec must be > 0.");
  const clock = options.clock ?? Date.now;
  const key = await loadSigningKey(options.keyAlg ?? "ES256", options.keyFile);
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  const ownKeys = createLocalJWKSet(jwks);

  async function issueToken(request: IssueTokenRequest): Promise<string> {
    const lifetimeSec = request.lifetimeSec ?? tokenLifetimeSec;
    if (!isPositiveInteger(lifetimeSec)) throw new TypeError("issueToken: lifetimeSec must be > 0.");
    const notBeforeSec = request.notBeforeSec ?? 0;
    const issuedAgoSec = request.issuedAgoSec ?? 0;
    if (!Number.isSafeInteger(issuedAgoSec) || issuedAgoSec < 0)
      throw new TypeError("issueToken: issuedAgoSec must be a whole number >= 0.");
    if (!Number.isSafeInteger(notBeforeSec)) throw new TypeError("issueToken: notBeforeSec must be whole.");
    const { phoneNumber } = request;
    if (phoneNumber !== undefined && toE164(phoneNumber) !== phoneNumber) {
      throw new TypeError(`issueToken: phone number ${phoneNumber} is not E.164.`);
    }
    const clientId = request.clientId ?? defaultClientId;
    const iat = Math.floor(clock() / 1000) - issuedAgoSec;
    // RFC 9068 §2.2 claims, plus the subscriber's number in the OIDC `phone_number` claim.
    return (
      new SignJWT({
        client_id: clientId,
        scope: request.scopes.join(" "),
        ...(phoneNumber !== undefined ? { phone_number: phoneNumber } : {}),
      })
        // RFC 9068 §2.1: access tokens "MUST include this media type in the "typ" header parameter".
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt" })
        .setIssuer(issuer)
        .setAudience(options.audience)
        .setSubject(phoneNumber ?? clientId)
        .setIssuedAt(iat)
        .setNotBefore(iat + notBeforeSec)
        .setExpirationTime(iat + lifetimeSec)
        .setJti(randomUUID())
        .sign(key.privateKey)
    );
  }

  return {
    issuer,
    discovery: () => issuerMetadata(issuer, key.alg, options.scopes),
    jwks: () => structuredClone(jwks),
    issueToken,
    tokenEndpoint: (form, authorizationHeader) =>
      clientCredentialsGrant(
        {
          clients: options.clients,
          scopes: options.scopes,
          phoneNumbers: options.phoneNumbers,
          tokenLifetimeSec,
          issueToken,
        },
        form,
        authorizationHeader,
      ),
    introspect: (form, authorizationHeader) =>
      introspectToken(
        {
          clients: options.clients,
          issuer,
          audience: options.audience,
          algorithm: key.alg,
          keys: ownKeys,
          clock,
        },
        form,
        authorizationHeader,
      ),
  };
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}
