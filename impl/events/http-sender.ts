import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent, request } from "undici";
import { classifyAddress } from "./address-class.ts";
import { retryAfterMs } from "./retry-delay.ts";
import type { SinkVerdict } from "./sink-policy.ts";

/** What a sink made of one delivery attempt. */
export type SendOutcome =
  | { readonly kind: "accepted"; readonly status: number }
  /** 5xx, 408, 429, a time-out or a connection error: try again later. */
  | { readonly kind: "retry"; readonly error: string; readonly retryAfterMs: number | undefined }
  /** 410 Gone: the sink ended the subscription. */
  | { readonly kind: "gone" }
  /** 401 while a sink credential was sent: the access token is no longer accepted. */
  | { readonly kind: "unauthorized" }
  /** Any other 4xx: this event will never be accepted. */
  | { readonly kind: "rejected"; readonly status: number };

export interface Delivery {
  readonly sink: string;
  readonly body: string;
  readonly correlator: string;
  readonly authorization: string | null;
  readonly trust: Extract<SinkVerdict, { kind: "deliver" }>["trust"];
}

export interface HttpSenderOptions {
  /** Per-attempt time-out, ms, from connect to the end of the response. */
  readonly timeoutMs: number;
  /** PEM of the development CA, trusted for allow-listed loopback sinks only. */
  readonly devCaPem: string | undefined;
}

/**
 * Refuses, at connect time, addresses the sink policy would refuse: the name was checked at
 * subscription creation, but DNS can change its answer since (DNS rebinding).
 */
const publicOnlyLookup: typeof dnsLookup = ((
  hostname: string,
  options: object,
  callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed = addresses.filter((a) => classifyAddress(a.address) === undefined);
    if (allowed.length === 0) return callback(new Error(`${hostname} resolves to no public address`), []);
    if ((options as { all?: boolean }).all) return callback(null, allowed);
    const [first] = allowed;
    callback(null, first?.address ?? "", first?.family);
  });
}) as typeof dnsLookup;

/**
 * POSTs one CloudEvent to a sink over HTTPS (CAMARA: `application/cloudevents+json`, `x-correlator`,
 * `Authorization: Bearer` when the subscription gave a sink credential). Certificates are always
 * verified: against the development CA for allow-listed loopback sinks, the system CAs otherwise.
 */
export function createHttpSender(options: HttpSenderOptions) {
  const keepAlive = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 };
  const agents = {
    "dev-ca": new Agent({ ...keepAlive, connect: options.devCaPem ? { ca: options.devCaPem } : {} }),
    public: new Agent({ ...keepAlive, connect: { lookup: publicOnlyLookup } }),
  };

  async function send(delivery: Delivery): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      "content-type": "application/cloudevents+json",
      "x-correlator": delivery.correlator,
    };
    if (delivery.authorization) headers.authorization = delivery.authorization;
    try {
      const response = await request(delivery.sink, {
        method: "POST",
        headers,
        body: delivery.body,
        dispatcher: agents[delivery.trust],
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.body.dump();
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { kind: "accepted", status };
      if (status === 410) return { kind: "gone" };
      if (status >= 500 || status === 429 || status === 408) {
        const header = response.headers["retry-after"];
        return {
          kind: "retry",
          error: `HTTP ${status}`,
          retryAfterMs: retryAfterMs(Array.isArray(header) ? header[0] : header, Date.now()),
        };
      }
      if (status === 401 && delivery.authorization) return { kind: "unauthorized" };
      return { kind: "rejected", status };
    } catch (error) {
      const e = error as Error & { code?: string; cause?: { code?: string } };
      const code = e.code ?? e.cause?.code ?? e.name;
      return { kind: "retry", error: `${code}: ${e.message}`, retryAfterMs: undefined };
    }
  }

  return {
    send,
    async close() {
      await Promise.all(Object.values(agents).map((a) => a.close()));
    },
  };
}
