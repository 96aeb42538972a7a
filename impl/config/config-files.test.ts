import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readConfig } from "./config.ts";
import { checkConfigFiles } from "./config-files.ts";

describe("checkConfigFiles", () => {
  it("accepts a configuration whose relay certificate and sink CA exist", () => {
    const config = readConfig({ DEV_CA_DIR: "/ca" });
    assert.deepEqual(
      checkConfigFiles(config, () => true),
      [],
    );
  });

  it("names both relay files, the default folder and the fix when the development CA is absent", () => {
    const problems = checkConfigFiles(readConfig({ DEV_CA_DIR: "/ca" }), () => false);
    assert.deepEqual(problems, [
      "RELAY_TLS_CERT_FILE: /ca/server.pem does not exist (outside production it defaults to the development CA in DEV_CA_DIR, which `npm run dev-ca` makes (npm start does)); set RELAY_TLS_CERT_FILE, or RELAY_ENABLED=false to run without the notification relay.",
      "RELAY_TLS_KEY_FILE: /ca/server-key.pem does not exist (outside production it defaults to the development CA in DEV_CA_DIR, which `npm run dev-ca` makes (npm start does)); set RELAY_TLS_KEY_FILE, or RELAY_ENABLED=false to run without the notification relay.",
    ]);
  });

  it("lets a defaulted sink CA be absent (a warning at start) but not a configured one", () => {
    const relayOff = { RELAY_ENABLED: "false", DEV_CA_DIR: "/ca" };
    assert.deepEqual(
      checkConfigFiles(readConfig(relayOff), () => false),
      [],
    );
    assert.deepEqual(
      checkConfigFiles(readConfig({ ...relayOff, EVENT_SINK_CA_FILE: "/etc/sinks.pem" }), () => false),
      ["EVENT_SINK_CA_FILE: /etc/sinks.pem does not exist."],
    );
  });

  it("names every SIP file that does not exist before anything starts", () => {
    const config = readConfig({
      RELAY_ENABLED: "false",
      ENGINE: "sip",
      SIP_TRANSPORT: "tls",
      SIP_OUTBOUND_PROXY: "sip:127.0.0.1:5061;transport=tls",
      SIP_CREDENTIALS_FILE: "/sip/credentials.json",
      SIP_TLS_CA_FILE: "/sip/ca.pem",
      SIP_TLS_CERT_FILE: "/sip/cert.pem",
      SIP_TLS_KEY_FILE: "/sip/key.pem",
      SIP_TLS_CLIENT_CA_FILE: "/sip/clients.pem",
    });
    assert.deepEqual(
      checkConfigFiles(config, (file) => file === "/sip/cert.pem"),
      [
        "SIP_CREDENTIALS_FILE: /sip/credentials.json does not exist.",
        "SIP_TLS_CA_FILE: /sip/ca.pem does not exist.",
        "SIP_TLS_KEY_FILE: /sip/key.pem does not exist.",
        "SIP_TLS_CLIENT_CA_FILE: /sip/clients.pem does not exist.",
      ],
    );
    assert.deepEqual(
      checkConfigFiles(config, () => true),
      [],
    );
  });

  it("defaults to no development CA in production", () => {
    const config = readConfig({
      NODE_ENV: "production",
      AUTH_MODE: "jwt",
      AUTH_ISSUER: "https://issuer.example",
      AUTH_AUDIENCE: "gw",
      AUTH_JWKS_URL: "https://issuer.example/jwks",
    });
    assert.equal(config.events.sinkCaFile, undefined);
    assert.equal(config.relay.tlsCertFile, undefined);
    assert.deepEqual(
      checkConfigFiles(config, () => false),
      [],
    );
  });
});
