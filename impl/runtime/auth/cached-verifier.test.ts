import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withVerificationCache } from "./cached-verifier.ts";
import { AuthError, type Principal, type TokenVerifier } from "./principal.ts";

function counting(expiresAtMs: number | undefined) {
  let calls = 0;
  const verifier: TokenVerifier = {
    async verify(token) {
      calls += 1;
      if (token === "bad") throw new AuthError("malformed", "bad");
      const principal: Principal = {
        subject: token,
        clientId: undefined,
        phoneNumber: undefined,
        scopes: new Set(),
        expiresAtMs,
      };
      return principal;
    },
  };
  return { verifier, calls: () => calls };
}

describe("withVerificationCache", () => {
  it("verifies a token once and reuses the answer within maxAgeMs", async () => {
    let now = 1_000;
    const inner = counting(1_000_000);
    const cached = withVerificationCache(inner.verifier, { maxAgeMs: 100, clock: () => now });
    await cached.verify("t");
    await cached.verify("t");
    assert.equal(inner.calls(), 1);
    now += 101;
    await cached.verify("t");
    assert.equal(inner.calls(), 2);
  });

  it("never reuses an answer past the token's expiry", async () => {
    let now = 1_000;
    const inner = counting(1_050);
    const cached = withVerificationCache(inner.verifier, { maxAgeMs: 10_000, clock: () => now });
    await cached.verify("t");
    now = 1_050;
    await cached.verify("t");
    assert.equal(inner.calls(), 2);
  });

  it("does not cache failures", async () => {
    const inner = counting(undefined);
    const cached = withVerificationCache(inner.verifier);
    await assert.rejects(cached.verify("bad"), AuthError);
    await assert.rejects(cached.verify("bad"), AuthError);
    assert.equal(inner.calls(), 2);
  });

  it("drops the least recently used token beyond maxEntries", async () => {
    const inner = counting(undefined);
    const cached = withVerificationCache(inner.verifier, { maxEntries: 2 });
    await cached.verify("a");
    await cached.verify("b");
    await cached.verify("a");
    await cached.verify("c"); // evicts b
    await cached.verify("a");
    assert.equal(inner.calls(), 3);
    await cached.verify("b");
    assert.equal(inner.calls(), 4);
  });
});
