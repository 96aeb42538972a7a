import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trustedPeers } from "./trusted-peers.ts";

describe("trustedPeers (source addresses of the trust domain)", () => {
  const peers = trustedPeers(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "2001:db8::5"]);
  const table: Array<[string, { given: string; want: boolean }]> = [
    ["a listed address is trusted", { given: "127.0.0.1", want: true }],
    ["another loopback address is not", { given: "127.0.0.9", want: false }],
    ["an address inside a listed IPv4 subnet is trusted", { given: "10.20.30.40", want: true }],
    ["an address outside it is not", { given: "11.0.0.1", want: false }],
    [
      "a listed address seen IPv4-mapped by a dual-stack socket is trusted",
      { given: "::ffff:127.0.0.1", want: true },
    ],
    ["an address inside a listed IPv6 subnet is trusted", { given: "fd12:3456::1", want: true }],
    ["a listed IPv6 address is trusted", { given: "2001:db8::5", want: true }],
    ["its neighbour is not", { given: "2001:db8::6", want: false }],
    ["something that is no address is not", { given: "proxy.example", want: false }],
  ];
  for (const [name, { given, want }] of table) it(name, () => assert.equal(peers.includes(given), want));

  const named = trustedPeers(["10.0.0.5", "tls:Edge.Example.NET"]);
  const names: Array<[string, { given: string; want: boolean }]> = [
    ["a listed certificate name is trusted, whatever its case", { given: "edge.example.net", want: true }],
    ["another name is not", { given: "other.example.net", want: false }],
    ["a listed address is no name", { given: "10.0.0.5", want: false }],
  ];
  for (const [name, { given, want }] of names)
    it(name, () => assert.equal(named.includesTlsName(given), want));
  it("a tls: entry trusts no address", () => assert.equal(named.includes("10.0.0.6"), false));

  for (const bad of ["proxy.example", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "", "tls:", "tls:-bad"])
    it(`refuses the entry "${bad}" with a message naming it`, () =>
      assert.throws(
        () => trustedPeers([bad]),
        new RegExp(`^Error: ${bad.replace(/[./]/g, "\\$&")} is not an IP address`),
      ));
});
