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

  for (const bad of ["proxy.example", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", ""])
    it(`refuses the entry "${bad}" with a message naming it`, () =>
      assert.throws(
        () => trustedPeers([bad]),
        new RegExp(`^Error: ${bad.replace(/[./]/g, "\\$&")} is not an IP address`),
      ));
});
