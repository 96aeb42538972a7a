import { BlockList, isIP } from "node:net";

/**
 * The peers inside the gateway's trust domain (RFC 3325 §2.3: the elements it trusts to assert
 * identities), by source address: single addresses or CIDR subnets, IPv4 or IPv6.
 */
export interface TrustedPeers {
  /** Whether a request from this source address comes from inside the trust domain. */
  includes(address: string): boolean;
}

/** An IPv4 address written as IPv4-mapped IPv6 (a dual-stack socket's view of it), as IPv4. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * Parses `address` and `address/prefix` entries; throws naming the first entry that is neither.
 * @example trustedPeers(["127.0.0.1", "10.0.0.0/8", "fd00::/8"])
 */
export function trustedPeers(entries: readonly string[]): TrustedPeers {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.trim().split("/");
    const family = isIP(unmapped(address));
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (
      family === 0 ||
      (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))
    )
      throw new Error(`${entry} is not an IP address or an address/prefix (CIDR) like 10.0.0.0/8`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(unmapped(address), type);
    else list.addSubnet(unmapped(address), bits, type);
  }
  return {
    includes(address) {
      const plain = unmapped(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
    },
  };
}
