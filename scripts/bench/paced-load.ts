/**
 * Open-loop load at a fixed rate, for "p99 at half the maximum rate" in `npm run bench:api`.
 *
 * autocannon's `overallRate` is closed-loop: each connection sends back to back until its quota for
 * the current second is used, then waits for the next second, so "half the rate" is about half of
 * each second at full load and half idle; a stall of the server (GC, or the shared machine pausing
 * the process) in the idle half meets no request, and one in the busy half delays at most one
 * request per connection, which autocannon back-fills with a fixed 1 ms expected interval
 * (`Math.ceil(1 / rate)`). Measured on bare express at half its maximum (5,530 req/s, 10
 * connections): p99 4–6 ms with autocannon's rate limit, 17–36 ms open-loop.
 *
 * Here iteration i is due at `start + i × interval`, requests go out over a fixed pool of keep-alive
 * connections (queued when all are busy), and a request's latency runs from when it was due, not
 * from when it left: a stall of the server (or of this generator) counts in full against the
 * figures, as a client arriving at that time would see it. Bounded in count (rate × seconds) and in
 * time (the run, then `drainMs` for what is in flight).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";

export interface PacedResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends one request of an iteration; its latency is recorded. */
export type PacedSend = (method: string, path: string, body?: string) => Promise<PacedResponse>;

export interface PacedLoadOptions {
  /** Iterations per second. */
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly headers: Record<string, string>;
  /** One iteration: its first request's latency counts from when the iteration was due. */
  readonly iteration: (send: PacedSend, index: number) => Promise<void>;
  /** How long the requests still in flight at the end may take before the run fails. */
  readonly drainMs?: number;
}

export interface PacedLoadResult {
  /** Latency of every answered request, ms, ascending. */
  readonly latencies: number[];
  /** Requests answered with a status outside 2xx, or not answered. */
  readonly failed: number;
}

/** p50, p99 and max of latencies in ms (ascending), rounded to 0.01 ms. */
export function summarize(sorted: readonly number[]) {
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    requests: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** The value at quantile q (0..1) of ascending `sorted`, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export async function pacedLoad(origin: string, options: PacedLoadOptions): Promise<PacedLoadResult> {
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const latencies: number[] = [];
  let failed = 0;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const intervalMs = 1000 / options.rate;
  const inFlight = new Set<Promise<void>>();

  const run = (index: number, dueAt: number) => {
    let from = dueAt;
    const send: PacedSend = async (method, path, body) => {
      const startedAt = from;
      from = Number.NaN;
      const since = Number.isNaN(startedAt) ? performance.now() : startedAt;
      try {
        const response = await pool.request({
          method: method as "GET",
          path,
          headers: options.headers,
          ...(body === undefined ? {} : { body }),
        });
        const text = await response.body.text();
        latencies.push(performance.now() - since);
        if (response.statusCode < 200 || response.statusCode > 299) failed += 1;
        return { status: response.statusCode, body: text };
      } catch {
        failed += 1;
        return { status: 0, body: "" };
      }
    };
    const done = options.iteration(send, index).catch(() => {
      failed += 1;
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  try {
    const start = performance.now();
    let next = 0;
    while (next < total) {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      for (; next < due; next++) run(next, start + next * intervalMs);
      // A timer, not a busy loop: the generator shares the machine's two cores with the server.
      if (next < total) await sleep(Math.max(1, start + next * intervalMs - performance.now()));
    }
    const drained = Promise.all([...inFlight]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.drainMs ?? 10_000);
    });
    const ok = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!ok) failed += inFlight.size;
  } finally {
    await pool.destroy();
  }
  latencies.sort((a, b) => a - b);
  return { latencies, failed };
}
