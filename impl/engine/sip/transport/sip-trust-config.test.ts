import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, readConfig } from "../../../config/config.ts";

const sip = (env: Record<string, string>) =>
  readConfig({
    ENGINE: "sip",
    SIP_REGISTRATION_MODE: "trunk",
    SIP_OUTBOUND_PROXY: "sip:10.0.0.5:5060",
    ...env,
  }).sip;
const problems = (env: Record<string, string>) => {
  try {
    sip(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
};

describe("SIP trust domain configuration (RFC 3325 §2.3)", () => {
  it("defaults to the outbound proxy's addresses (found at start) and strip", () => {
    assert.deepEqual(sip({})?.trust, { trustedPeers: undefined, untrustedPai: "strip" });
  });

  it("reads SIP_TRUSTED_PEERS as addresses and CIDR subnets, and SIP_UNTRUSTED_PAI=refuse", () => {
    assert.deepEqual(
      sip({ SIP_TRUSTED_PEERS: "10.0.0.5, 192.168.0.0/16,fd00::/8", SIP_UNTRUSTED_PAI: "refuse" })?.trust,
      {
        trustedPeers: ["10.0.0.5", "192.168.0.0/16", "fd00::/8"],
        untrustedPai: "refuse",
      },
    );
  });

  it("refuses an entry that is no address or subnet, naming the variable", () => {
    assert.deepEqual(problems({ SIP_TRUSTED_PEERS: "10.0.0.5,proxy.example" }), [
      "SIP_TRUSTED_PEERS: proxy.example is not an IP address, an address/prefix (CIDR) like 10.0.0.0/8 or tls:<certificate name> (comma-separated, e.g. 10.0.0.5,10.1.0.0/16,tls:edge.example.net).",
    ]);
  });

  it("refuses a SIP_UNTRUSTED_PAI other than strip or refuse", () => {
    assert.deepEqual(problems({ SIP_UNTRUSTED_PAI: "accept" }), [
      "SIP_UNTRUSTED_PAI=accept must be strip or refuse.",
    ]);
  });
});
