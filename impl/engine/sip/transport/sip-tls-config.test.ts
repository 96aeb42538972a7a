import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, readConfig } from "../../../config/config.ts";

const sip = (env: Record<string, string>) =>
  readConfig({
    ENGINE: "sip",
    SIP_REGISTRATION_MODE: "trunk",
    SIP_TRANSPORT: "tls",
    SIP_OUTBOUND_PROXY: "sip:10.0.0.5:5061;transport=tls",
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

describe("the gateway's SIP TLS listener configuration", () => {
  it("has no listener without a certificate (a TLS client only)", () => {
    assert.equal(sip({})?.tlsListener, undefined);
  });

  it("reads the certificate, key, port (default 5061) and client CA", () => {
    assert.deepEqual(sip({ SIP_TLS_CERT_FILE: "c.pem", SIP_TLS_KEY_FILE: "k.pem" })?.tlsListener, {
      certFile: resolve("c.pem"),
      keyFile: resolve("k.pem"),
      port: 5061,
      clientCaFile: undefined,
    });
    assert.deepEqual(
      sip({
        SIP_TLS_CERT_FILE: "c.pem",
        SIP_TLS_KEY_FILE: "k.pem",
        SIP_TLS_LISTEN_PORT: "5071",
        SIP_TLS_CLIENT_CA_FILE: "peers.pem",
      })?.tlsListener,
      {
        certFile: resolve("c.pem"),
        keyFile: resolve("k.pem"),
        port: 5071,
        clientCaFile: resolve("peers.pem"),
      },
    );
  });

  for (const [name, env, want] of [
    [
      "a certificate without its key",
      { SIP_TLS_CERT_FILE: "c.pem" },
      /^SIP_TLS_CERT_FILE and SIP_TLS_KEY_FILE go together/,
    ],
    [
      "a client CA without a listener",
      { SIP_TLS_CLIENT_CA_FILE: "p.pem" },
      /need the listener's SIP_TLS_CERT_FILE/,
    ],
    [
      "a listener with another transport",
      {
        SIP_TRANSPORT: "tcp",
        SIP_OUTBOUND_PROXY: "sip:10.0.0.5:5060",
        SIP_TLS_CERT_FILE: "c",
        SIP_TLS_KEY_FILE: "k",
      },
      /needs SIP_TRANSPORT=tls \(it is tcp\)/,
    ],
    [
      "a port out of range",
      { SIP_TLS_CERT_FILE: "c", SIP_TLS_KEY_FILE: "k", SIP_TLS_LISTEN_PORT: "70000" },
      /^SIP_TLS_LISTEN_PORT=70000 must be/,
    ],
  ] as const)
    it(`refuses ${name}, naming the variable`, () => {
      const found = problems(env);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0] ?? "", want);
    });
});
