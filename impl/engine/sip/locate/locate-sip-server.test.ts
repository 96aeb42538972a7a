import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type LocateOptions, locateSipServer, type SipServerUri } from "./locate-sip-server.ts";
import type { NaptrRecord, SipDns, SrvRecord } from "./sip-dns.ts";
import { orderSrv } from "./srv-order.ts";

/** A zone: NAPTR, SRV and address records by owner name. */
interface Zone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  failing?: string[];
}

function fakeDns(zone: Zone): SipDns & { queries: string[] } {
  const queries: string[] = [];
  const answer = <T>(kind: string, table: Record<string, T[]> | undefined, name: string) => {
    queries.push(`${kind} ${name}`);
    if (zone.failing?.includes(name))
      return Promise.reject(Object.assign(new Error("SERVFAIL"), { code: "ESERVFAIL" }));
    return Promise.resolve(table?.[name] ?? []);
  };
  return {
    queries,
    naptr: (name) => answer("NAPTR", zone.naptr, name),
    srv: (name) => answer("SRV", zone.srv, name),
    addresses: (name) => answer("A", zone.a, name),
  };
}

const naptr = (order: number, preference: number, service: string, replacement: string): NaptrRecord => ({
  order,
  preference,
  flags: "s",
  service,
  regexp: "",
  replacement,
});
const srv = (priority: number, weight: number, port: number, name: string): SrvRecord => ({
  priority,
  weight,
  port,
  name,
});

const ZONE: Zone = {
  naptr: {
    "ims.example": [
      naptr(50, 50, "SIP+D2U", "_sip._udp.ims.example"),
      naptr(10, 20, "SIP+D2T", "_sip._tcp.ims.example"),
      naptr(10, 10, "SIPS+D2T", "_sips._tcp.ims.example"),
    ],
  },
  srv: {
    "_sips._tcp.ims.example": [srv(10, 0, 5061, "p1.ims.example"), srv(20, 0, 5061, "p2.ims.example")],
    "_sip._tcp.ims.example": [srv(10, 0, 5060, "p1.ims.example")],
    "_sip._udp.ims.example": [srv(10, 0, 5060, "p1.ims.example")],
    "_sip._tcp.plain.example": [srv(5, 0, 5070, "edge.plain.example")],
  },
  a: {
    "p1.ims.example": ["127.0.0.11"],
    "p2.ims.example": ["127.0.0.12"],
    "edge.plain.example": ["127.0.0.20"],
    "bare.example": ["127.0.0.30", "::1"],
  },
};

const cases: Array<[string, { uri: SipServerUri; supported: LocateOptions["supported"]; want: string[] }]> = [
  [
    "NAPTR chooses TLS first (order 10, preference 10), then TCP, then UDP, each through its SRV",
    {
      uri: { host: "ims.example" },
      supported: ["udp", "tcp", "tls"],
      want: ["tls 127.0.0.11:5061", "tls 127.0.0.12:5061", "tcp 127.0.0.11:5060", "udp 127.0.0.11:5060"],
    },
  ],
  [
    "NAPTR records of transports the client lacks are skipped",
    { uri: { host: "ims.example" }, supported: ["tcp"], want: ["tcp 127.0.0.11:5060"] },
  ],
  [
    "a SIPS URI takes only the secure services",
    {
      uri: { host: "ims.example", secure: true },
      supported: ["tcp", "tls"],
      want: ["tls 127.0.0.11:5061", "tls 127.0.0.12:5061"],
    },
  ],
  [
    "without NAPTR, the SRV records of each supported transport in the client's order",
    { uri: { host: "plain.example" }, supported: ["tls", "tcp"], want: ["tcp 127.0.0.20:5070"] },
  ],
  [
    "without NAPTR or SRV, A/AAAA with UDP on 5060 for a SIP URI",
    {
      uri: { host: "bare.example" },
      supported: ["udp", "tcp"],
      want: ["udp 127.0.0.30:5060", "udp ::1:5060"],
    },
  ],
  [
    "without NAPTR or SRV and no UDP, the client's first transport",
    { uri: { host: "bare.example" }, supported: ["tcp"], want: ["tcp 127.0.0.30:5060", "tcp ::1:5060"] },
  ],
  [
    "a port in the URI: A/AAAA only, no NAPTR or SRV (§4.2)",
    { uri: { host: "ims.example", port: 5080 }, supported: ["tcp"], want: [] },
  ],
  [
    "a transport parameter without a port: that transport's SRV",
    {
      uri: { host: "ims.example", transport: "tls" },
      supported: ["tcp", "tls"],
      want: ["tls 127.0.0.11:5061", "tls 127.0.0.12:5061"],
    },
  ],
  [
    "a transport parameter with no SRV: A/AAAA on the transport's default port",
    {
      uri: { host: "bare.example", transport: "tls" },
      supported: ["tls"],
      want: ["tls 127.0.0.30:5061", "tls ::1:5061"],
    },
  ],
  [
    "a numeric host: that address and the default port, no DNS",
    { uri: { host: "127.0.0.5", transport: "tcp" }, supported: ["tcp"], want: ["tcp 127.0.0.5:5060"] },
  ],
  [
    "a transport the client does not support: nothing to try",
    { uri: { host: "ims.example", transport: "udp" }, supported: ["tcp"], want: [] },
  ],
];

describe("locateSipServer (RFC 3263 §4)", () => {
  for (const [name, { uri, supported, want }] of cases) {
    it(name, async () => {
      const targets = await locateSipServer(uri, { dns: fakeDns(ZONE), supported, random: () => 0 });
      assert.deepEqual(
        targets.map((t) => `${t.transport} ${t.address}:${t.port}`),
        want,
      );
    });
  }

  it("asks no NAPTR or SRV for a URI with a port", async () => {
    const dns = fakeDns({ a: { "ims.example": ["127.0.0.9"] } });
    const targets = await locateSipServer({ host: "ims.example", port: 5080 }, { dns, supported: ["tcp"] });
    assert.deepEqual(dns.queries, ["A ims.example"]);
    assert.deepEqual(targets, [{ address: "127.0.0.9", port: 5080, transport: "tcp", host: "ims.example" }]);
  });

  it("treats a failing NAPTR query as none and goes on to SRV", async () => {
    const dns = fakeDns({ ...ZONE, failing: ["plain.example"] });
    const targets = await locateSipServer({ host: "plain.example" }, { dns, supported: ["tcp"] });
    assert.deepEqual(
      targets.map((t) => `${t.transport} ${t.address}:${t.port} (${t.host})`),
      ["tcp 127.0.0.20:5070 (edge.plain.example)"],
    );
  });
});

describe("orderSrv (RFC 2782)", () => {
  it("orders by priority and drops the '.' target", () => {
    const ordered = orderSrv([srv(20, 0, 1, "b"), srv(10, 0, 1, "a"), srv(30, 0, 1, "c")], () => 0);
    assert.deepEqual(
      ordered.map((r) => r.name),
      ["a", "b", "c"],
    );
    assert.deepEqual(orderSrv([srv(0, 0, 0, ".")]), []);
  });

  it("picks within one priority in proportion to weight", () => {
    const records = [srv(10, 1, 1, "light"), srv(10, 9, 1, "heavy")];
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    let heavyFirst = 0;
    for (let i = 0; i < 2000; i++) if (orderSrv(records, random)[0]?.name === "heavy") heavyFirst++;
    // Expected share 9/11 (weights 9 against 1, plus the zero point): about 1,636 of 2,000.
    assert.ok(heavyFirst > 1500 && heavyFirst < 1760, `heavy first ${heavyFirst} times of 2000`);
  });
});
