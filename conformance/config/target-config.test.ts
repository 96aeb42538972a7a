import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../run/feature-sources.ts";
import { expandEnv } from "./config-reader.ts";
import { loadTargetConfig, parseTargetConfig, TargetConfigError } from "./load-target-config.ts";

const minimal = {
  apiRoot: "https://api.example.com",
  auth: {
    profiles: {
      valid: { static: "v" },
      expired: { static: "e" },
      invalid: { tamper: "valid" },
      missingScope: { static: "m" },
      otherSubscriber: { static: "o" },
      noSubscriber: { static: "n" },
    },
  },
};

describe("target configuration", () => {
  it("reads local.yaml, with {apiRoot} in the token URL following --target", () => {
    const config = loadTargetConfig(
      join(repoRoot, "conformance", "config", "local.yaml"),
      {
        apiRoot: "http://127.0.0.1:1234/",
      },
      {},
    );
    assert.equal(config.apiRoot, "http://127.0.0.1:1234");
    assert.equal(config.auth.oauth2?.tokenUrl, "http://127.0.0.1:1234/dev-issuer/token");
    assert.deepEqual(config.auth.profiles.expired, {
      kind: "oauth2",
      params: { phone_number: "+34600000001", expires_in: "1", issued_ago: "3600" },
      usableAfterSec: 0,
    });
    assert.deepEqual(config.placeholders["existing-session-id"], { resource: "registration" });
    assert.equal(config.supports.events, false);
  });

  it("names a configuration file that does not exist as a configuration error (exit code 2)", () => {
    assert.throws(
      () => loadTargetConfig("no-such-gateway.yaml"),
      (error: unknown) =>
        error instanceof TargetConfigError && /no-such-gateway.yaml[\s\S]*does not exist/.test(error.message),
    );
  });

  it("expands $NAME references, with a default after :-, from the environment", () => {
    // The configuration file's own ${NAME} syntax, written without template literals on purpose.
    const [x, y] = ["$" + "{X}", "$" + "{Y:-d}"];
    assert.deepEqual(expandEnv({ a: x, b: [y], c: 3 }, { X: "x" }), { a: "x", b: ["d"], c: 3 });
  });

  it("accepts a minimal configuration with static tokens", () => {
    const config = parseTargetConfig(minimal, "minimal");
    assert.deepEqual(config.auth.profiles.invalid, { kind: "tamper", of: "valid", usableAfterSec: 0 });
    assert.equal(config.seed, "camara-conformance");
    assert.equal(config.timeouts.requestMs, 10_000);
  });

  it("lists every problem with its key and the fix", () => {
    const raw = {
      apiRoot: "ftp://nope",
      auth: { profiles: { valid: { oauth2: {} }, expired: { static: "e", command: "x" }, bogus: {} } },
      sink: { publicUrl: "http://127.0.0.1:{port}/" },
      placeholders: { x: {} },
    };
    let error: unknown;
    try {
      parseTargetConfig(raw, "bad.yaml");
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof TargetConfigError);
    assert.deepEqual(error.problems, [
      "apiRoot=ftp://nope must be an http(s) URL.",
      "auth.profiles.valid.oauth2 needs auth.oauth2 (tokenUrl, clientId, clientSecret).",
      "auth.profiles.expired needs exactly one of static, oauth2, command or tamper (found static, command).",
      "auth.profiles.invalid needs exactly one of static, oauth2, command or tamper.",
      "auth.profiles.missingScope needs exactly one of static, oauth2, command or tamper.",
      "auth.profiles.otherSubscriber needs exactly one of static, oauth2, command or tamper.",
      "auth.profiles.noSubscriber needs exactly one of static, oauth2, command or tamper.",
      "auth.profiles.bogus is not a token profile; profiles are valid, expired, invalid, missingScope, otherSubscriber, noSubscriber.",
      "placeholders.x needs `resource: registration|mediaSession|subscription` or `asset: <name>`.",
      "sink.publicUrl must be an https URL: the SubscriptionRequest sink pattern is ^https://.",
    ]);
  });

  it("checks r2.2 unless release: or --release names r3.1-rc.1; local.yaml declares every API of both served", () => {
    assert.equal(parseTargetConfig(minimal, "minimal").release, "r2.2");
    assert.equal(parseTargetConfig({ ...minimal, release: "r3.1-rc.1" }, "m").release, "r3.1-rc.1");
    assert.equal(
      parseTargetConfig({ ...minimal, release: "r3.1-rc.1" }, "m", { release: "r2.2" }).release,
      "r2.2",
    );
    const local = loadTargetConfig(
      join(repoRoot, "conformance", "config", "local.yaml"),
      { release: "r3.1-rc.1" },
      {},
    );
    assert.equal(local.release, "r3.1-rc.1");
    assert.deepEqual(local.notServed, {});
    assert.deepEqual(
      parseTargetConfig({ ...minimal, notServed: { "r3.1-rc.1": "webrtc-events" } }, "m").notServed,
      { "r3.1-rc.1": ["webrtc-events"] },
    );
  });

  it("names an unknown release, and a notServed entry that is not a release or not an API of it", () => {
    let error: unknown;
    try {
      parseTargetConfig(
        {
          ...minimal,
          release: "r9",
          notServed: { r8: "webrtc-events", "r3.1-rc.1": "webrtc-events, webrtc-chat" },
        },
        "bad.yaml",
      );
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof TargetConfigError);
    assert.deepEqual(error.problems, [
      "release=r9 must be one of r2.2, r3.1-rc.1.",
      "notServed.r8 is not a release; choose from r2.2, r3.1-rc.1.",
      "notServed.r3.1-rc.1 names webrtc-chat, not an API of r3.1-rc.1 (webrtc-call-handling, webrtc-events, webrtc-registration).",
    ]);
  });
});
