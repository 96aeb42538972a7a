import { BlockList, isIP } from "node:net";

/**
 * The peers inside the gateway's trust domain (RFC 3325 §2.3: the elements it trusts to assert
 * identities), by source address (single addresses or CIDR subnets, IPv4 or IPv6) or by the name
 * their verified TLS certificate carries (`tls:<name>`).
 */
export interface TrustedPeers {
  /** Whether a request from this source address comes from inside the trust domain. */
  includes(address: string): boolean;
  /** Whether a peer whose verified certificate names `name` (an entry `tls:<name>`) is inside it. */
  includesTlsName(name: string): boolean;
}

/** An IPv4 address written as IPv4-mapped IPv6 (a dual-stack socket's view of it), as IPv4. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * Parses `address`, `address/prefix` and `tls:<name>` entries; throws naming the first entry that is
 * none of them. Names compare without regard to case (DNS names, RFC 4343).
 * @example trustedPeers(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "tls:edge.example.net"])
 */
export function trustedPeers(entries: readonly string[]): TrustedPeers {
  const list = new BlockList();
  const names = new Set<string>();
  for (const entry of entries) {
    const name = /^tls:([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/.exec(entry.trim())?.[1];
    if (name) {
      names.add(name.toLowerCase());
      continue;
    }
    const [address = "", prefix] = entry.trim().split("/");
    const family = isIP(unmapped(address));
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (
      family === 0 ||
      (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))
    )
      throw new Error(
        `${entry} is not an IP address, an address/prefix (CIDR) like 10.0.0.0/8 or tls:<certificate name>`,
      );
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
    includesTlsName(name) {
      return names.has(name.toLowerCase());
    },
  };
}
