import { resolve } from "node:path";

/** The gateway's own SIP TLS listener (RFC 3261 §26.2.1), from the SIP_TLS_* variables. */
export interface SipTlsListenerConfig {
  /** SIP_TLS_CERT_FILE, SIP_TLS_KEY_FILE: the gateway's certificate (chain) and key, PEM. */
  readonly certFile: string;
  readonly keyFile: string;
  /** SIP_TLS_LISTEN_PORT: default 5061 (RFC 3261 §19.1.2); 0 = chosen by the kernel. */
  readonly port: number;
  /** SIP_TLS_CLIENT_CA_FILE: when set, every peer must present a certificate chaining to it. */
  readonly clientCaFile: string | undefined;
}

/**
 * Reads the listener's variables: none set means no listener (the gateway is a TLS client only);
 * the certificate and key come together, and only with SIP_TRANSPORT=tls.
 */
export function readSipTlsListenerConfig(
  env: NodeJS.ProcessEnv,
  transport: string,
  problems: string[],
): SipTlsListenerConfig | undefined {
  const cert = env.SIP_TLS_CERT_FILE;
  const key = env.SIP_TLS_KEY_FILE;
  if (!cert && !key) {
    if (env.SIP_TLS_CLIENT_CA_FILE || env.SIP_TLS_LISTEN_PORT)
      problems.push(
        "SIP_TLS_CLIENT_CA_FILE and SIP_TLS_LISTEN_PORT need the listener's SIP_TLS_CERT_FILE and SIP_TLS_KEY_FILE.",
      );
    return undefined;
  }
  if (!cert || !key) {
    problems.push(
      "SIP_TLS_CERT_FILE and SIP_TLS_KEY_FILE go together: set both for a TLS listener, or neither.",
    );
    return undefined;
  }
  if (transport !== "tls")
    problems.push(`SIP_TLS_CERT_FILE: a TLS listener needs SIP_TRANSPORT=tls (it is ${transport}).`);
  const rawPort = env.SIP_TLS_LISTEN_PORT || "5061";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`SIP_TLS_LISTEN_PORT=${rawPort} must be an integer from 0 to 65535.`);
  return {
    certFile: resolve(cert),
    keyFile: resolve(key),
    port: Number.isInteger(port) ? port : 5061,
    clientCaFile: env.SIP_TLS_CLIENT_CA_FILE ? resolve(env.SIP_TLS_CLIENT_CA_FILE) : undefined,
  };
}
