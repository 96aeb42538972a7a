import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { pacedLoad, quantile, summarize } from "./paced-load.ts";

describe("quantile (nearest rank)", () => {
  const table: [number[], number, number][] = [
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10],
    [Array.from({ length: 1000 }, (_, i) => i + 1), 0.99, 990],
    [[7], 0.99, 7],
    [[3, 9], 0, 3],
  ];
  for (const [sorted, q, expected] of table)
    it(`of ${sorted.length} values at ${q} is ${expected}`, () =>
      assert.equal(quantile(sorted, q), expected));
  it("of nothing is NaN", () => assert.ok(Number.isNaN(quantile([], 0.5))));
  it("summarize rounds to 0.01 ms", () =>
    assert.deepEqual(summarize([0.123, 1.006, 2.349]), { requests: 3, p50: 1.01, p99: 2.35, max: 2.35 }));
});

describe("pacedLoad against a loopback server", () => {
  let server: Server;
  let origin = "";
  let received = 0;
  before(async () => {
    server = createServer((req, res) => {
      received += 1;
      res.statusCode = req.url === "/fail" ? 500 : 200;
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends rate × seconds iterations, every request's latency recorded, non-2xx counted as failed", async () => {
    received = 0;
    const result = await pacedLoad(origin, {
      rate: 200,
      seconds: 0.5,
      connections: 4,
      headers: {},
      iteration: async (send, i) => {
        await send("GET", i % 10 === 0 ? "/fail" : "/ok");
      },
    });
    assert.equal(received, 100);
    assert.equal(result.latencies.length, 100);
    assert.equal(result.failed, 10);
    assert.ok(result.latencies.every((ms, i, all) => ms >= 0 && (i === 0 || ms >= (all[i - 1] ?? 0))));
  });

  it("counts from when an iteration was due: a server holding each answer 50 ms shows ≥ 50 ms", async () => {
    const slow = createServer((_req, res) => setTimeout(() => res.end("{}"), 50));
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    try {
      const result = await pacedLoad(`http://127.0.0.1:${(slow.address() as AddressInfo).port}`, {
        rate: 40,
        seconds: 0.25,
        connections: 1,
        headers: {},
        iteration: async (send) => {
          await send("GET", "/");
        },
      });
      assert.equal(result.failed, 0);
      assert.equal(result.latencies.length, 10);
      // One connection, 25 ms apart, 50 ms each: each waits for the ones before it.
      assert.ok((result.latencies.at(-1) ?? 0) >= 200, `last ${result.latencies.at(-1)} ms`);
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
