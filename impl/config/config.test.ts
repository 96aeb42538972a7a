import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, readConfig } from "./config.ts";

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
}

describe("readConfig", () => {
  it("starts with development defaults: port 9091, dev issuer, response validation on", () => {
    const config = readConfig({});
    assert.equal(config.port, 9091);
    assert.equal(config.auth.mode, "dev");
    assert.equal(config.validateResponses, true);
    assert.deepEqual(config.registrationTtl, { defaultSec: 3600, minSec: 300, maxSec: 86400 });
  });

  const table: [string, NodeJS.ProcessEnv, RegExp][] = [
    ["a non-numeric PORT", { PORT: "abc" }, /^PORT=abc must be an integer from 0 to 65535\.$/],
    [
      "an unknown AUTH_MODE",
      { AUTH_MODE: "magic" },
      /^AUTH_MODE=magic must be one of dev, jwt, introspection\.$/,
    ],
    [
      "jwt mode without its issuer",
      { AUTH_MODE: "jwt", AUTH_AUDIENCE: "a", AUTH_JWKS_URL: "https://i/jwks" },
      /^AUTH_ISSUER is required/,
    ],
    [
      "a JWKS URL that is not http(s)",
      { AUTH_MODE: "jwt", AUTH_ISSUER: "i", AUTH_AUDIENCE: "a", AUTH_JWKS_URL: "file:///x" },
      /^AUTH_JWKS_URL=file:\/\/\/x must be an http\(s\) URL\.$/,
    ],
    [
      "the dev issuer in production",
      { NODE_ENV: "production" },
      /^AUTH_MODE=dev is not allowed with NODE_ENV=production/,
    ],
    [
      "a dev phone number that is not E.164",
      { DEV_PHONE_NUMBERS: "+34600000001,0034" },
      /^DEV_PHONE_NUMBERS: 0034 is not an E\.164 number/,
    ],
    [
      "TTL bounds out of order",
      { REGISTRATION_TTL_MIN_SEC: "7200" },
      /REGISTRATION_TTL_MIN_SEC ≤ REGISTRATION_TTL_SEC/,
    ],
    ["a bad LOG_LEVEL", { LOG_LEVEL: "loud" }, /^LOG_LEVEL=loud must be one of/],
    [
      "a negative registration restore spread",
      { REGISTRATION_RESTORE_SPREAD_MS: "-1" },
      /^REGISTRATION_RESTORE_SPREAD_MS=-1 must be an integer from 0 to 3600000/,
    ],
  ];
  for (const [name, env, want] of table) {
    it(`stops on ${name}, naming the variable`, () => {
      const problems = problemsOf(env);
      assert.ok(
        problems.some((p) => want.test(p)),
        problems.join("\n"),
      );
    });
  }

  it("reports every problem at once", () => {
    assert.equal(problemsOf({ PORT: "-1", LOG_LEVEL: "x" }).length, 2);
  });
});
