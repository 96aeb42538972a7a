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

const JWT = {
  AUTH_MODE: "jwt",
  AUTH_ISSUER: "https://idp.example.com",
  AUTH_AUDIENCE: "a",
  AUTH_JWKS_URL: "https://idp.example.com/jwks",
};

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
      "a body limit below 1 KiB",
      { HTTP_BODY_LIMIT_BYTES: "100" },
      /^HTTP_BODY_LIMIT_BYTES=100 must be an integer from 1024 to 16777216\.$/,
    ],
    [
      "a nesting depth of 2",
      { HTTP_BODY_MAX_DEPTH: "2" },
      /^HTTP_BODY_MAX_DEPTH=2 must be an integer from 3 to 1000\.$/,
    ],
    [
      "a headers timeout longer than the request timeout",
      { HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "10000" },
      /^HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS\.$/,
    ],
    [
      "a negative connection limit",
      { HTTP_MAX_CONNECTIONS: "-1" },
      /^HTTP_MAX_CONNECTIONS=-1 must be an integer from 0 to 1000000\.$/,
    ],
    [
      "TRUST_PROXY=true",
      { TRUST_PROXY: "true" },
      /^TRUST_PROXY=true would let any client choose its address/,
    ],
    [
      "a TRUST_PROXY entry that is not an address",
      { TRUST_PROXY: "10.0.0.0/8,proxy.example.com,10.1.0.0/33" },
      /^TRUST_PROXY=10\.0\.0\.0\/8,proxy\.example\.com,10\.1\.0\.0\/33: proxy\.example\.com, 10\.1\.0\.0\/33 is not an address/,
    ],
    [
      "a TRUST_PROXY hop count over 10",
      { TRUST_PROXY: "11" },
      /^TRUST_PROXY=11: a hop count must be from 0 to 10\.$/,
    ],
    [
      "an AUTH_JWT_TYP other than at+jwt or any",
      { ...JWT, AUTH_JWT_TYP: "JWT" },
      /^AUTH_JWT_TYP=JWT must be one of at\+jwt, any\.$/,
    ],
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

  it("requires typ at+jwt in jwt mode unless AUTH_JWT_TYP=any says otherwise", () => {
    const typeRequired = (env: NodeJS.ProcessEnv) => {
      const { auth } = readConfig(env);
      assert.equal(auth.mode, "jwt");
      return auth.requireAccessTokenType;
    };
    assert.equal(typeRequired(JWT), true);
    assert.equal(typeRequired({ ...JWT, AUTH_JWT_TYP: "at+jwt" }), true);
    assert.equal(typeRequired({ ...JWT, AUTH_JWT_TYP: "any" }), false);
  });

  it("reads the body limits, 256 KiB and 32 levels by default", () => {
    const defaults = readConfig({}).http;
    assert.deepEqual([defaults.bodyLimitBytes, defaults.bodyMaxDepth], [262_144, 32]);
    const { http } = readConfig({ HTTP_BODY_LIMIT_BYTES: "1048576", HTTP_BODY_MAX_DEPTH: "8" });
    assert.deepEqual([http.bodyLimitBytes, http.bodyMaxDepth], [1_048_576, 8]);
  });

  it("reads the server limits, with defaults", () => {
    const { http } = readConfig({});
    assert.deepEqual(
      [
        http.headersTimeoutMs,
        http.requestTimeoutMs,
        http.keepAliveTimeoutMs,
        http.maxConnections,
        http.trustProxy,
      ],
      [10_000, 30_000, 5000, 10_000, false],
    );
  });

  const proxies: [string, { given: string; want: false | number | readonly string[] }][] = [
    ["unset", { given: "", want: false }],
    ["false", { given: "false", want: false }],
    ["0 hops", { given: "0", want: false }],
    ["1 hop", { given: "1", want: 1 }],
    [
      "addresses, subnets and names",
      { given: "10.0.0.0/8, ::1, fd00::/8,loopback", want: ["10.0.0.0/8", "::1", "fd00::/8", "loopback"] },
    ],
  ];
  for (const [name, { given, want }] of proxies) {
    it(`reads TRUST_PROXY ${name}`, () =>
      assert.deepEqual(readConfig({ TRUST_PROXY: given }).http.trustProxy, want));
  }

  it("reads the outbox retention, a day by default, checked every minute", () => {
    const defaults = readConfig({}).events;
    assert.deepEqual([defaults.outboxRetentionMs, defaults.outboxPruneIntervalMs], [86_400_000, 60_000]);
    const { events } = readConfig({ EVENT_OUTBOX_RETENTION_MS: "0", EVENT_OUTBOX_PRUNE_INTERVAL_MS: "1000" });
    assert.deepEqual([events.outboxRetentionMs, events.outboxPruneIntervalMs], [0, 1000]);
    assert.ok(
      problemsOf({ EVENT_OUTBOX_RETENTION_MS: "-5" }).includes(
        "EVENT_OUTBOX_RETENTION_MS=-5 must be an integer from 0 to 2592000000.",
      ),
    );
  });

  it("names bad media, store, SIP and relay variables together, before anything starts", () => {
    const problems = problemsOf({
      RTPENGINE_NG: "rtpengine",
      STORE: "postgres",
      ENGINE: "sip",
      SIP_REGISTRATION_MODE: "trunk",
      SIP_OUTBOUND_PROXY: "sip:127.0.0.1:5060",
      SIP_MIN_SE_SEC: "10",
      RELAY_PUBLIC_URL: "http://relay.example",
    });
    for (const want of [
      /^RTPENGINE_NG=rtpengine must be host:port/,
      /^DATABASE_URL is required with STORE=postgres/,
      /^SIP_MIN_SE_SEC=10 must be an integer from 90/,
      /^RELAY_PUBLIC_URL=http:\/\/relay\.example must be an https URL/,
    ])
      assert.ok(
        problems.some((p) => want.test(p)),
        `${want}: ${problems.join("\n")}`,
      );
    assert.equal(problems.length, 4);
  });

  it("holds the media and store settings read with the rest", () => {
    const config = readConfig({ RTPENGINE_NG: "127.0.0.1:2223", STORE: "sqlite" });
    assert.deepEqual(config.media.ng, { host: "127.0.0.1", port: 2223 });
    assert.deepEqual(config.store, { kind: "sqlite" });
  });

  it("reports every problem at once", () => {
    assert.equal(problemsOf({ PORT: "-1", LOG_LEVEL: "x" }).length, 2);
  });
});
