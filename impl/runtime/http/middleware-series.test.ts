import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Request, RequestHandler, Response } from "express";
import { middlewareSeries } from "./middleware-series.ts";

const req = {} as Request;
const res = {} as Response;

/** Runs a series once; resolves with what it passed to the outer `next` and the handlers that ran. */
function run(handlers: (ran: string[]) => RequestHandler[]): Promise<{ ran: string[]; out: unknown[] }> {
  const ran: string[] = [];
  return new Promise((resolve) => {
    middlewareSeries(handlers(ran))(req, res, (...out: unknown[]) => resolve({ ran, out }));
  });
}

const step =
  (name: string): ((ran: string[]) => RequestHandler) =>
  (ran) =>
  (_req, _res, next) => {
    ran.push(name);
    next();
  };

describe("middlewareSeries: consecutive middlewares as one Express layer", () => {
  const boom = new Error("boom");
  const cases: [string, { given: (ran: string[]) => RequestHandler[]; ran: string[]; out: unknown[] }][] = [
    [
      "runs every handler in order, then the next layer",
      { given: (r) => [step("a")(r), step("b")(r), step("c")(r)], ran: ["a", "b", "c"], out: [] },
    ],
    [
      "stops at an error passed to next and hands it to the error handlers",
      {
        given: (r) => [
          step("a")(r),
          (_q, _s, next) => {
            r.push("b");
            next(boom);
          },
          step("c")(r),
        ],
        ran: ["a", "b"],
        out: [boom],
      },
    ],
    [
      "stops at a thrown error",
      {
        given: (r) => [
          () => {
            r.push("a");
            throw boom;
          },
          step("b")(r),
        ],
        ran: ["a"],
        out: [boom],
      },
    ],
    [
      "stops at a rejected promise",
      {
        given: (r) => [
          async () => {
            r.push("a");
            throw boom;
          },
          step("b")(r),
        ],
        ran: ["a"],
        out: [boom],
      },
    ],
    [
      "treats next('route') as next(), as the router does outside a route",
      {
        given: (r) => [
          (_q, _s, next) => {
            r.push("a");
            next("route");
          },
          step("b")(r),
        ],
        ran: ["a", "b"],
        out: [],
      },
    ],
    [
      "continues after an async handler that calls next once it is done",
      {
        given: (r) => [
          async (_q, _s, next) => {
            await Promise.resolve();
            r.push("a");
            next();
          },
          step("b")(r),
        ],
        ran: ["a", "b"],
        out: [],
      },
    ],
  ];
  for (const [name, { given, ran, out }] of cases) {
    it(name, async () => {
      assert.deepEqual(await run(given), { ran, out });
    });
  }

  it("reports a promise rejected without a reason as an Error, as Express 5 does", async () => {
    const { out } = await run(() => [() => Promise.reject(undefined)]);
    assert.ok(out[0] instanceof Error);
    assert.equal(out[0].message, "Rejected promise");
  });
});
