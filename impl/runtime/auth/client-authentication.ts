import { createHash, timingSafeEqual } from "node:crypto";

/** A confidential client of the dev issuer. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Outcome of {@link authenticateClient}: who the client is, or the RFC 6749 §5.2 error to answer. */
export type ClientAuthentication =
  | { readonly ok: true; readonly clientId: string }
  | {
      readonly ok: false;
      readonly error: "invalid_request" | "invalid_client";
      readonly description: string;
    };

/**
 * Authenticates a client by `client_secret_basic` or `client_secret_post`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 Client Password
 */
export function authenticateClient(
  clients: readonly ClientCredentials[],
  form: URLSearchParams,
  authorizationHeader: string | undefined,
): ClientAuthentication {
  const basic = /^Basic +(\S+)\s*$/i.exec(authorizationHeader ?? "")?.[1];
  const postedSecret = form.getAll("client_secret");
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
  if (basic !== undefined && postedSecret.length > 0) {
    return refuse("invalid_request", "Use either HTTP Basic or client_secret, not both.");
  }
  if (basic !== undefined) {
    // RFC 6749 §2.3.1: id and secret are each form-urlencoded, then joined by ":" and base64-encoded.
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return refuse("invalid_client", "Malformed HTTP Basic credentials.");
    return check(clients, formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1)));
  }
  const postedId = form.getAll("client_id");
  if (postedSecret.length > 1 || postedId.length > 1) {
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    return refuse("invalid_request", "client_id and client_secret must appear once.");
  }
  const [id] = postedId;
  const [secret] = postedSecret;
  if (id === undefined || secret === undefined) {
    return refuse("invalid_client", "Client authentication is required (HTTP Basic or client_secret).");
  }
  return check(clients, id, secret);
}

function check(clients: readonly ClientCredentials[], id: string, secret: string): ClientAuthentication {
  const client = clients.find((c) => c.clientId === id);
  // Compare digests so that the comparison is constant-time whatever the lengths.
  const matches = client !== undefined && timingSafeEqual(digest(client.clientSecret), digest(secret));
  return matches ? { ok: true, clientId: id } : refuse("invalid_client", "Unknown client or wrong secret.");
}

function refuse(error: "invalid_request" | "invalid_client", description: string): ClientAuthentication {
  return { ok: false, error, description };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}
