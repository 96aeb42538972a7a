import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTargetConfig } from "../config/load-target-config.ts";
import { tamperToken } from "./tamper-token.ts";
import { createTokenProvider, type TokenProviderDeps } from "./token-provider.ts";

function config(profiles: Record<string, unknown>) {
  return parseTargetConfig(
    {
      apiRoot: "https://api.example.com",
      auth: {
        oauth2: { tokenUrl: "{apiRoot}/token", clientId: "client:1", clientSecret: "s3cr=t" },
        profiles: {
          valid: { oauth2: { phone_number: "+34600000001" } },
          expired: { oauth2: { phone_number: "+34600000001", expires_in: "1" }, usableAfterSec: 32 },
          invalid: { tamper: "valid" },
          missingScope: { oauth2: { scope: "openid" } },
          otherSubscriber: { command: "printf 'tok-%s' \"$PROFILE\"" },
          noSubscriber: { static: "static-token" },
          ...profiles,
        },
      },
    },
    "test",
  );
}

/** A token endpoint that records the requests and answers `access_token` = `t<n>`. */
function fakeDeps(answer?: (n: number) => Response) {
  const requests: { url: string; headers: Record<string, string>; form: URLSearchParams }[] = [];
  let now = 1_000_000;
  const sleeps: number[] = [];
  const deps: TokenProviderDeps = {
    fetch: (async (url: string, init: RequestInit) => {
      requests.push({
        url,
        headers: init.headers as Record<string, string>,
        form: new URLSearchParams(String(init.body)),
      });
      return (
        answer?.(requests.length) ??
        Response.json({ access_token: `t${requests.length}`, token_type: "Bearer" })
      );
    }) as typeof fetch,
    run: (command, env) => Promise.resolve(command.includes("PROFILE") ? `tok-${env.PROFILE}\n` : ""),
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { deps, requests, sleeps, advance: (ms: number) => (now += ms) };
}

describe("token profiles", () => {
  it("asks the token endpoint for a client-credentials token with every scope by default (RFC 6749 §4.4)", async () => {
    const { deps, requests } = fakeDeps();
    const provider = createTokenProvider(config({}), ["a:read", "b:write"], deps);
    assert.equal(await provider.token("valid"), "t1");
    assert.equal(requests[0]?.url, "https://api.example.com/token");
    assert.deepEqual(Object.fromEntries(requests[0]?.form ?? []), {
      grant_type: "client_credentials",
      scope: "a:read b:write",
      phone_number: "+34600000001",
    });
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding.
    assert.equal(
      requests[0]?.headers.authorization,
      `Basic ${Buffer.from("client%3A1:s3cr%3Dt").toString("base64")}`,
    );
  });

  it("obtains each profile once per run", async () => {
    const { deps, requests } = fakeDeps();
    const provider = createTokenProvider(config({}), ["a"], deps);
    await provider.token("valid");
    await provider.token("valid");
    assert.equal(requests.length, 1);
  });

  it("lets a profile's own scope replace the default", async () => {
    const { deps, requests } = fakeDeps();
    await createTokenProvider(config({}), ["a"], deps).token("missingScope");
    assert.equal(requests[0]?.form.get("scope"), "openid");
  });

  it("holds an expired-token profile back until usableAfterSec has passed since it was obtained", async () => {
    const { deps, sleeps, advance } = fakeDeps();
    const provider = createTokenProvider(config({}), ["a"], deps);
    provider.prefetch();
    await new Promise((r) => setImmediate(r));
    advance(10_000);
    assert.equal(await provider.token("expired"), "t2");
    assert.deepEqual(sleeps, [22_000]);
  });

  it("tampers with the valid token for the invalid profile", async () => {
    const { deps } = fakeDeps(() => Response.json({ access_token: "aGVhZA.Ym9keQ.c2lnbmF0dXJl" }));
    const provider = createTokenProvider(config({}), ["a"], deps);
    assert.equal(await provider.token("invalid"), tamperToken("aGVhZA.Ym9keQ.c2lnbmF0dXJl"));
  });

  it("runs a command profile with PROFILE in its environment, and takes a static token as is", async () => {
    const { deps } = fakeDeps();
    const provider = createTokenProvider(config({}), ["a"], deps);
    assert.equal(await provider.token("otherSubscriber"), "tok-otherSubscriber");
    assert.equal(await provider.token("noSubscriber"), "static-token");
  });

  it("gets a valid-like token for another phone number", async () => {
    const { deps, requests } = fakeDeps();
    await createTokenProvider(config({}), ["a"], deps).tokenForPhone("+34600000009");
    assert.equal(requests[0]?.form.get("phone_number"), "+34600000009");
  });

  it("says which profile the token endpoint refused, and why", async () => {
    const { deps } = fakeDeps(() => Response.json({ error: "invalid_client" }, { status: 401 }));
    await assert.rejects(
      createTokenProvider(config({}), ["a"], deps).token("valid"),
      /refused profile valid: 401 \{"error":"invalid_client"\}/,
    );
  });
});

describe("tamperToken", () => {
  it("changes only the signature of a JWS compact serialisation", () => {
    const tampered = tamperToken("aGVhZA.Ym9keQ.c2lnbmF0dXJl");
    const [header, payload, signature] = tampered.split(".");
    assert.deepEqual([header, payload], ["aGVhZA", "Ym9keQ"]);
    assert.notEqual(signature, "c2lnbmF0dXJl");
  });

  it("changes the last character of an opaque token", () => {
    assert.equal(tamperToken("opaqueA"), "opaqueB");
    assert.equal(tamperToken("opaqueZ"), "opaqueA");
  });
});
