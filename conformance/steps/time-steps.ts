import { Given, Then } from "@cucumber/cucumber";
import { query } from "../support/json-path.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { phrase } from "./step-phrase.ts";

/**
 * Times a response names (an `expiresAt`): waiting until one has passed, and comparing one with the
 * time the request asked for (a capped expiry).
 */

/** The longest wait a scenario may ask for: the conformance run stays short. */
const MAX_WAIT_MS = 20_000;

function timeAt(value: unknown, what: string): number {
  const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
  check(!Number.isNaN(at), `${what} is ${JSON.stringify(value)}, not a date-time`);
  return at;
}

Given(
  phrase("the time in the response property {string} has passed"),
  { timeout: MAX_WAIT_MS + 5_000 },
  async function (this: ConformanceWorld, path: string) {
    const [value] = query(this.sent().response.json, path);
    const at = timeAt(value, `the response property ${path}`);
    const wait = at - Date.now() + 500;
    check(
      wait <= MAX_WAIT_MS,
      `${path} is ${String(value)}: more than ${MAX_WAIT_MS / 1000} s away, too far to wait.`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  },
);

Then(
  phrase("the response property {string} is a time earlier than the request body property {string}"),
  function (this: ConformanceWorld, responsePath: string, requestPath: string) {
    const { request, response } = this.sent();
    const [answered] = query(response.json, responsePath);
    const [asked] = query(request.body ? (JSON.parse(request.body) as unknown) : undefined, requestPath);
    const answeredAt = timeAt(answered, `the response property ${responsePath}`);
    const askedAt = timeAt(asked, `the request body property ${requestPath}`);
    check(
      answeredAt < askedAt,
      `the response property ${responsePath} is ${String(answered)}, not earlier than ${String(asked)} asked for`,
    );
  },
);
