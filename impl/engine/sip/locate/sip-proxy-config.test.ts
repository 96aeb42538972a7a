import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, readConfig } from "../../../config/config.ts";

const sip = (env: Record<string, string>) =>
  readConfig({ ENGINE: "sip", SIP_REGISTRATION_MODE: "trunk", ...env }).sip;

describe("SIP_OUTBOUND_PROXY located through DNS (RFC 3263)", () => {
  it("takes a domain without a port as one to locate, with the URI's scheme and transport", () => {
    assert.deepEqual(sip({ SIP_OUTBOUND_PROXY: "sip:ims.example" })?.locateProxy, {
      host: "ims.example",
      secure: false,
      transportParam: undefined,
      transportSet: false,
    });
    assert.deepEqual(
      sip({ SIP_OUTBOUND_PROXY: "sips:ims.example;transport=tls", SIP_TRANSPORT: "tls" })?.locateProxy,
      {
        host: "ims.example",
        secure: true,
        transportParam: "tls",
        transportSet: true,
      },
    );
  });

  it("locates nothing when the URI names a port", () => {
    const config = sip({ SIP_OUTBOUND_PROXY: "sip:127.0.0.1:5060" });
    assert.equal(config?.locateProxy, undefined);
    assert.deepEqual(config?.outboundProxy, { host: "127.0.0.1", port: 5060 });
  });

  it("reads SIP_DNS_SERVERS and refuses a value that is not an address", () => {
    assert.deepEqual(
      sip({ SIP_OUTBOUND_PROXY: "sip:ims.example", SIP_DNS_SERVERS: "127.0.0.1:5353, [::1]:53" })?.dnsServers,
      ["127.0.0.1:5353", "[::1]:53"],
    );
    assert.throws(
      () => sip({ SIP_OUTBOUND_PROXY: "sip:ims.example", SIP_DNS_SERVERS: "dns.example" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.includes(
          "SIP_DNS_SERVERS: dns.example is not an IP address with an optional port (e.g. 127.0.0.1:5353).",
        ),
    );
  });

  it("reads SIP_TRANSPORT=wss with a wss:// proxy and its path, and refuses a domain to locate with it", () => {
    const config = sip({ SIP_TRANSPORT: "wss", SIP_OUTBOUND_PROXY: "wss://edge.example:7443/sip" });
    assert.equal(config?.transport, "wss");
    assert.deepEqual(config?.outboundProxy, { host: "edge.example", port: 7443, path: "/sip" });
    assert.throws(
      () => sip({ SIP_OUTBOUND_PROXY: "sip:ims.example", SIP_TRANSPORT: "wss" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.includes(
          "SIP_TRANSPORT=wss needs SIP_OUTBOUND_PROXY=wss://host:port[/path] (RFC 3263 location is for udp, tcp and tls).",
        ),
    );
  });

  it("refuses a domain to locate with SIP_TRANSPORT=ws", () => {
    assert.throws(
      () => sip({ SIP_OUTBOUND_PROXY: "sip:ims.example", SIP_TRANSPORT: "ws" }),
      (e: unknown) =>
        e instanceof ConfigError && e.problems.some((p) => p.startsWith("SIP_TRANSPORT=ws needs")),
    );
  });
});
