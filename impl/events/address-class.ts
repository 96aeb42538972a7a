import { BlockList, isIP } from "node:net";

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
  ["reserved", "ipv6", "64:ff9b::", 96], // NAT64 can reach any IPv4 address, private ones included
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

/** Classifies an IP literal (v4, v6, or IPv4-mapped v6). Throws on a string that is not an IP. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) throw new Error(`${address} is not an IP address`);
  // ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d: judge that one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const [ip, type] = mapped
    ? [mapped, "ipv4" as const]
    : [bare, family === 4 ? ("ipv4" as const) : ("ipv6" as const)];
  for (const [kind, list] of lists) if (list.check(ip, type)) return kind;
  return undefined;
}
