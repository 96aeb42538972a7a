import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it, mock } from "node:test";
import express from "express";
import pino from "pino";
import { errorMiddleware } from "./error-middleware.ts";
import { createRateLimit } from "./rate-limit.ts";

describe("the rate limit", () => {
  let server: Server;
  let url = "";
  before(async () => {
    // Only Date is mocked: the limiter's window is measured with Date.now().
    mock.timers.enable({ apis: ["Date"], now: Date.parse("2026-12-05T12:00:00Z") });
    const app = express();
    app.use(createRateLimit(2));
    app.get("/", (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorMiddleware(pino({ level: "silent" })));
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    mock.timers.reset();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("answers 429 TOO_MANY_REQUESTS with Retry-After counting down to the end of the client's window", async () => {
    assert.equal((await fetch(url)).status, 200);
    mock.timers.tick(25_000);
    assert.equal((await fetch(url)).status, 200);
    const refused = await fetch(url);
    assert.equal(refused.status, 429);
    assert.deepEqual(await refused.json(), {
      status: 429,
      code: "TOO_MANY_REQUESTS",
      message: "Rate limit reached; retry after the time given in Retry-After.",
    });
    assert.equal(refused.headers.get("retry-after"), "35");
    mock.timers.tick(34_500);
    assert.equal((await fetch(url)).headers.get("retry-after"), "1");
    mock.timers.tick(500);
    assert.equal((await fetch(url)).status, 200, "a new window starts");
  });
});
