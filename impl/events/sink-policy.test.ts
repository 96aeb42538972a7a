import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "camara-webrtc-runtime";
import { classifyAddress } from "./address-class.ts";
import { createSinkPolicy, type SinkVerdict } from "./sink-policy.ts";

describe("classifyAddress", () => {
  const table: [string, ReturnType<typeof classifyAddress>][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["10.20.30.40", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "cloud-metadata"],
    ["fd00:ec2::254", "cloud-metadata"],
    ["169.254.10.10", "link-local"],
    ["fe80::1", "link-local"],
    ["0.0.0.0", "reserved"],
    ["::", "reserved"],
    ["224.0.0.1", "reserved"],
    ["8.8.8.8", undefined],
    ["2001:4860:4860::8888", undefined],
    // IPv6 forms that embed an IPv4 address are judged by that address.
    ["::ffff:7f00:1", "loopback"], // IPv4-mapped, as the URL parser writes it
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:8.8.8.8", undefined],
    ["::127.0.0.1", "loopback"], // IPv4-compatible (deprecated)
    ["::7f00:1", "loopback"],
    ["::a9fe:a9fe", "cloud-metadata"],
    ["::8.8.8.8", undefined],
    ["::ffff:0:192.168.0.1", "private"], // IPv4-translated (RFC 6145)
    ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
    ["2002:a9fe:a9fe::1", "cloud-metadata"],
    ["2002:c0a8:101:5::1", "private"],
    ["2002:808:808::1", undefined],
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"], // Teredo, client 127.0.0.1 (bits inverted)
    ["2001:0:4136:e378:8000:63bf:f5ff:fefe", "private"], // client 10.0.1.1
    ["2001:0:a00:1:8000:63bf:f7f7:f7f7", "private"], // server 10.0.0.1, client 8.8.8.8
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", undefined], // server 65.54.227.120, client 8.8.8.8
    ["64:ff9b::7f00:1", "loopback"], // NAT64 well-known prefix (RFC 6052)
    ["64:ff9b::169.254.169.254", "cloud-metadata"],
    ["64:ff9b::8.8.8.8", undefined],
    ["64:ff9b:1::808:808", "private"], // local-use NAT64 (RFC 8215): refused whatever it embeds
    ["fec0::1", "private"],
  ];
  for (const [address, want] of table) {
    it(`classifies ${address} as ${want ?? "public"}`, () => assert.equal(classifyAddress(address), want));
  }
});

async function outcome(
  policy: ReturnType<typeof createSinkPolicy>,
  sink: string,
): Promise<SinkVerdict | object> {
  try {
    return await policy.admit(sink);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error.toErrorInfo();
  }
}

const refused = (sink: string, why: string) => ({
  status: 400,
  code: "INVALID_SINK",
  message: `sink ${sink} is not accepted: ${why}.`,
});

describe("sink admission in development and test (no DNS)", () => {
  const lookups: string[] = [];
  const policy = createSinkPolicy({
    environment: "test",
    allowlist: ["127.0.0.1:9443", "[::1]:8443", "partner.example.net:443"],
    resolve: async (host) => {
      lookups.push(host);
      return ["8.8.8.8"];
    },
  });
  const table: [string, SinkVerdict | object][] = [
    ["https://127.0.0.1:9443/sink", { kind: "deliver", trust: "dev-ca" }],
    ["https://[::1]:8443/x", { kind: "deliver", trust: "dev-ca" }],
    ["https://partner.example.net/cb", { kind: "deliver", trust: "public" }],
    ["https://127.0.0.1:9444/sink", refused("https://127.0.0.1:9444/sink", "its host is a loopback address")],
    ["https://localhost:9443/", refused("https://localhost:9443/", "its host is a loopback address")],
    ["https://0x7f000001/", refused("https://0x7f000001/", "its host is a loopback address")],
    ["https://10.0.0.8/", refused("https://10.0.0.8/", "its host is a private address")],
    ["https://[fe80::1]/", refused("https://[fe80::1]/", "its host is a link-local address")],
    [
      "https://169.254.169.254/latest",
      refused("https://169.254.169.254/latest", "its host is a cloud-metadata address"),
    ],
    [
      "https://metadata.google.internal/",
      refused("https://metadata.google.internal/", "its host is a cloud-metadata address"),
    ],
    ["http://example.com/", refused("http://example.com/", "only https sinks are delivered to")],
    ["https://[::127.0.0.1]/", refused("https://[::127.0.0.1]/", "its host is a loopback address")],
    ["https://[::ffff:127.0.0.1]/", refused("https://[::ffff:127.0.0.1]/", "its host is a loopback address")],
    ["https://[2002:a00:1::1]/", refused("https://[2002:a00:1::1]/", "its host is a private address")],
    [
      "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
      refused("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "its host is a loopback address"),
    ],
    ["https://[64:ff9b::a00:1]/", refused("https://[64:ff9b::a00:1]/", "its host is a private address")],
    ["https://[64:ff9b:1::1]/", refused("https://[64:ff9b:1::1]/", "its host is a private address")],
    [
      "https://notificationServer.opentelco.com",
      { kind: "hold", reason: "notificationserver.opentelco.com:443 is not in EVENT_SINK_ALLOWLIST" },
    ],
  ];
  for (const [sink, want] of table) {
    it(`${sink} → ${JSON.stringify(want)}`, async () => assert.deepEqual(await outcome(policy, sink), want));
  }
  it("never resolves a host name outside production", () => assert.deepEqual(lookups, []));
});

describe("sink admission in production (DNS resolution)", () => {
  const answers: Record<string, string[]> = {
    "public.example.com": ["93.184.216.34"],
    "internal.example.com": ["10.1.2.3"],
    "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
    "sixtofour.example.com": ["2002:7f00:1::1"],
    "teredo.example.com": ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "2001:0:4136:e378:8000:63bf:3f57:fefe"],
  };
  const policy = createSinkPolicy({
    environment: "production",
    allowlist: [],
    resolve: async (host) => {
      const found = answers[host];
      if (!found) throw new Error("ENOTFOUND");
      return found;
    },
  });
  const table: [string, SinkVerdict | object][] = [
    ["https://public.example.com/sink", { kind: "deliver", trust: "public" }],
    [
      "https://internal.example.com/sink",
      refused("https://internal.example.com/sink", "its host resolves to a private address"),
    ],
    [
      "https://mixed.example.com/",
      refused("https://mixed.example.com/", "its host resolves to a loopback address"),
    ],
    [
      "https://nowhere.example.com/",
      refused("https://nowhere.example.com/", "its host name does not resolve"),
    ],
    ["https://93.184.216.34/", { kind: "deliver", trust: "public" }],
    ["https://[2002:5db8:d822::1]/", { kind: "deliver", trust: "public" }],
    [
      "https://sixtofour.example.com/",
      refused("https://sixtofour.example.com/", "its host resolves to a loopback address"),
    ],
    [
      "https://teredo.example.com/",
      refused("https://teredo.example.com/", "its host resolves to a private address"),
    ],
  ];
  for (const [sink, want] of table) {
    it(`${sink} → ${JSON.stringify(want)}`, async () => assert.deepEqual(await outcome(policy, sink), want));
  }
});
