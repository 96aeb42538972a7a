import { isIP } from "node:net";
import type { EnvReader } from "../env/env-reader.ts";

/** express's "trust proxy": off, a number of proxy hops, or proxy addresses and subnets. */
export type TrustProxy = false | number | readonly string[];

/**
 * TRUST_PROXY, for express's "trust proxy": empty or `false` (default: the client is the peer
 * address), a number of proxy hops in front of the gateway, or a comma-separated list of proxy
 * addresses, CIDR subnets and the names loopback, linklocal, uniquelocal. `true` (trust any
 * X-Forwarded-For, so any client could choose its rate-limit key) is refused.
 */
export function readTrustProxy(r: EnvReader): TrustProxy {
  const raw = r.env.TRUST_PROXY ?? "";
  const value = raw.trim();
  if (value === "" || value === "false" || value === "0") return false;
  if (value === "true") {
    r.problem(
      "TRUST_PROXY=true would let any client choose its address (and rate-limit key) by X-Forwarded-For; give the number of proxies in front of the gateway (e.g. 1) or their addresses.",
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    if (Number(value) <= 10) return Number(value);
    r.problem(`TRUST_PROXY=${raw}: a hop count must be from 0 to 10.`);
    return false;
  }
  const entries = value.split(",").map((s) => s.trim());
  const bad = entries.filter((e) => !isProxyEntry(e));
  if (bad.length > 0) {
    r.problem(
      `TRUST_PROXY=${raw}: ${bad.join(", ")} is not an address, a subnet (10.0.0.0/8) or loopback/linklocal/uniquelocal; give the proxies in front of the gateway, or their number (e.g. 1).`,
    );
    return false;
  }
  return entries;
}

/** An address, a CIDR subnet, or one of express's names for address ranges. */
function isProxyEntry(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
