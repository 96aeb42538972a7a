/**
 * RFC 3263 against a real DNS server: dnsmasq on loopback (scripts/lab/dnsmasq.ts) serving NAPTR,
 * SRV and A records, queried through Node's resolver as the gateway queries it (SIP_DNS_SERVERS).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type LabDns, startLabDns } from "../../../../scripts/lab/dnsmasq.ts";
import { locateSipServer } from "./locate-sip-server.ts";
import { createSipDns } from "./sip-dns.ts";

describe("locateSipServer against dnsmasq", () => {
  let dns: LabDns;
  before(async () => {
    dns = await startLabDns({
      naptr: [
        {
          name: "ims.test",
          order: 10,
          preference: 10,
          service: "SIPS+D2T",
          replacement: "_sips._tcp.ims.test",
        },
        {
          name: "ims.test",
          order: 20,
          preference: 10,
          service: "SIP+D2T",
          replacement: "_sip._tcp.ims.test",
        },
      ],
      srv: [
        { name: "_sips._tcp.ims.test", target: "edge1.ims.test", port: 5061, priority: 10, weight: 0 },
        { name: "_sip._tcp.ims.test", target: "edge1.ims.test", port: 5060, priority: 10, weight: 0 },
        { name: "_sip._tcp.srv-only.test", target: "edge1.ims.test", port: 15060, priority: 10, weight: 0 },
        { name: "_sip._tcp.srv-only.test", target: "edge2.ims.test", port: 15062, priority: 20, weight: 0 },
      ],
      hosts: [
        { name: "edge1.ims.test", addresses: ["127.0.0.21"] },
        { name: "edge2.ims.test", addresses: ["127.0.0.22"] },
        { name: "a-only.test", addresses: ["127.0.0.23"] },
      ],
    });
  });
  after(async () => {
    await dns?.stop();
  });

  it("follows NAPTR to TLS first, then TCP, through SRV to the addresses", async () => {
    const targets = await locateSipServer(
      { host: "ims.test" },
      { dns: createSipDns({ servers: [dns.server] }), supported: ["udp", "tcp", "tls"] },
    );
    assert.deepEqual(targets, [
      { address: "127.0.0.21", port: 5061, transport: "tls", host: "edge1.ims.test" },
      { address: "127.0.0.21", port: 5060, transport: "tcp", host: "edge1.ims.test" },
    ]);
  });

  it("uses SRV priorities when the domain has no NAPTR records", async () => {
    const targets = await locateSipServer(
      { host: "srv-only.test" },
      { dns: createSipDns({ servers: [dns.server] }), supported: ["tcp"] },
    );
    assert.deepEqual(
      targets.map((t) => `${t.address}:${t.port}`),
      ["127.0.0.21:15060", "127.0.0.22:15062"],
    );
  });

  it("falls back to A records and the default port without NAPTR or SRV", async () => {
    const targets = await locateSipServer(
      { host: "a-only.test" },
      { dns: createSipDns({ servers: [dns.server] }), supported: ["tcp"] },
    );
    assert.deepEqual(targets, [{ address: "127.0.0.23", port: 5060, transport: "tcp", host: "a-only.test" }]);
  });

  it("finds nothing for a name the zone does not hold", async () => {
    const targets = await locateSipServer(
      { host: "absent.test" },
      { dns: createSipDns({ servers: [dns.server] }), supported: ["tcp"] },
    );
    assert.deepEqual(targets, []);
  });
});
