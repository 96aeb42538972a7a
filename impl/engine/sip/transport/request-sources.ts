import type { SipFlow } from "./sip-flow.ts";

/** Where a received request came from, to send its responses back the same way (RFC 3261 §18.2.2). */
export type RequestSource = { readonly flow: SipFlow } | { readonly address: string; readonly port: number };

/** A request's source as the trust domain reads it: the peer's address, and its verified TLS names. */
export interface SourceAddress {
  readonly address: string;
  readonly port: number;
  /** The DNS names of the peer's certificate when a TLS or WSS handshake verified it. */
  readonly tlsNames?: readonly string[];
}

/** How long a request's source is kept: 64·T1, the longest a server transaction lives (RFC 3261 §17.2). */
const SOURCE_TTL_MS = 64_000;

/** The source of each received request by its top Via branch, while its responses may be sent. */
export class RequestSources {
  private readonly sources = new Map<string, { source: RequestSource; at: number }>();
  private sweep: NodeJS.Timeout | undefined;

  /** Starts forgetting sources older than 64 s (every 10 s; the timer does not hold the process). */
  start(): void {
    this.sweep = setInterval(() => {
      const limit = Date.now() - SOURCE_TTL_MS;
      for (const [branch, entry] of this.sources) if (entry.at < limit) this.sources.delete(branch);
    }, 10_000);
    this.sweep.unref();
  }

  set(branch: string, source: RequestSource): void {
    this.sources.set(branch, { source, at: Date.now() });
  }

  get(branch: string | undefined): RequestSource | undefined {
    return branch === undefined ? undefined : this.sources.get(branch)?.source;
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sources.clear();
  }
}
