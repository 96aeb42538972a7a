import { BlockList, isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Why an address is not a public internet destination, or `undefined` for a public one. Sinks in
 * these ranges are refused (server-side request forgery into the operator's own network), unless
 * allow-listed.
 */
export type AddressClass = "loopback" | "private" | "link-local" | "cloud-metadata" | "reserved";

const ranges: ReadonlyArray<[AddressClass, "ipv4" | "ipv6", string, number]> = [
  // Cloud metadata services first: they sit inside link-local / unique-local ranges.
  ["cloud-metadata", "ipv4", "169.254.169.254", 32],
  ["cloud-metadata", "ipv4", "100.100.100.200", 32], // Alibaba Cloud
  ["cloud-metadata", "ipv6", "fd00:ec2::254", 128], // AWS (IPv6)
  ["loopback", "ipv4", "127.0.0.0", 8],
  ["loopback", "ipv6", "::1", 128],
  ["private", "ipv4", "10.0.0.0", 8], // RFC 1918
  ["private", "ipv4", "172.16.0.0", 12],
  ["private", "ipv4", "192.168.0.0", 16],
  ["private", "ipv4", "100.64.0.0", 10], // RFC 6598 shared address space (carrier-grade NAT)
  ["private", "ipv6", "fc00::", 7], // RFC 4193 unique local
  ["private", "ipv6", "fec0::", 10], // RFC 3879 deprecated site-local
  // RFC 8215 local-use IPv4/IPv6 translation: operator-defined, and the prefix length (hence where
  // the IPv4 address sits) is not knowable from outside, so the whole range is refused.
  ["private", "ipv6", "64:ff9b:1::", 48],
  ["link-local", "ipv4", "169.254.0.0", 16], // RFC 3927
  ["link-local", "ipv6", "fe80::", 10],
  ["reserved", "ipv4", "0.0.0.0", 8], // "this network"
  ["reserved", "ipv4", "192.0.0.0", 24], // IETF protocol assignments
  ["reserved", "ipv4", "192.0.2.0", 24], // documentation
  ["reserved", "ipv4", "198.18.0.0", 15], // benchmarking
  ["reserved", "ipv4", "198.51.100.0", 24],
  ["reserved", "ipv4", "203.0.113.0", 24],
  ["reserved", "ipv4", "224.0.0.0", 4], // multicast
  ["reserved", "ipv4", "240.0.0.0", 4], // reserved and broadcast
  ["reserved", "ipv6", "::", 128],
  ["reserved", "ipv6", "ff00::", 8],
  ["reserved", "ipv6", "2001:db8::", 32],
];

const lists = new Map<AddressClass, BlockList>();
for (const [kind, family, network, prefix] of ranges) {
  let list = lists.get(kind);
  if (!list) {
    list = new BlockList();
    lists.set(kind, list);
  }
  list.addSubnet(network, prefix, family);
}

/** The IPv4 address in four bytes of `bytes` from `at`, XORed with `mask` (Teredo obfuscates). */
function ipv4At(bytes: readonly number[], at: number, mask = 0): string {
  return bytes
    .slice(at, at + 4)
    .map((b) => b ^ mask)
    .join(".");
}

/** Whether the 16 bytes start with `prefix` (whole bytes). */
const startsWith = (bytes: readonly number[], prefix: readonly number[]) =>
  prefix.every((b, i) => bytes[i] === b);

/**
 * The IPv4 addresses an IPv6 address leads to, for the forms that embed one. Each is judged like
 * the IPv4 address itself: a private host is as reachable through these as directly.
 */
export function embeddedIpv4(ipv6: string): string[] {
  const bytes = ipaddr.IPv6.parse(ipv6).toByteArray();
  const zeros = (n: number) => new Array<number>(n).fill(0);
  // RFC 4291 §2.5.5.2 IPv4-mapped ::ffff:a.b.c.d; RFC 6145 IPv4-translated ::ffff:0:a.b.c.d;
  // RFC 4291 §2.5.5.1 IPv4-compatible ::a.b.c.d (deprecated; :: and ::1 are judged as IPv6 first);
  // RFC 6052 §2.1 the NAT64 well-known prefix 64:ff9b::/96.
  for (const prefix of [
    [...zeros(10), 0xff, 0xff],
    [...zeros(8), 0xff, 0xff, 0, 0],
    zeros(12),
    [0, 0x64, 0xff, 0x9b, ...zeros(8)],
  ])
    if (startsWith(bytes, prefix)) return [ipv4At(bytes, 12)];
  // RFC 3056 §2: 6to4 2002:V4ADDR::/48.
  if (startsWith(bytes, [0x20, 0x02])) return [ipv4At(bytes, 2)];
  // RFC 4380 §4: Teredo 2001:0::/32, then the server's IPv4 address, flags, the obfuscated port, and
  // the client's IPv4 address "obfuscated" (each bit inverted). Both ends must be public.
  if (startsWith(bytes, [0x20, 0x01, 0, 0])) return [ipv4At(bytes, 4), ipv4At(bytes, 12, 0xff)];
  return [];
}

function classifyIn(ip: string, type: "ipv4" | "ipv6"): AddressClass | undefined {
  for (const [kind, list] of lists) if (list.check(ip, type)) return kind;
  return undefined;
}

/**
 * Classifies an IP literal (v4 or v6). An IPv6 address that embeds IPv4 addresses (mapped,
 * compatible, translated, NAT64, 6to4, Teredo) is classified by them when it is public itself.
 * Throws on a string that is not an IP.
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) throw new Error(`${address} is not an IP address`);
  if (family === 4) return classifyIn(bare, "ipv4");
  const own = classifyIn(bare, "ipv6");
  if (own) return own;
  for (const ipv4 of embeddedIpv4(bare.replace(/%.*$/, ""))) {
    const kind = classifyIn(ipv4, "ipv4");
    if (kind) return kind;
  }
  return undefined;
}
