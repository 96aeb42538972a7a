import { Resolver } from "node:dns/promises";

/** A NAPTR record as RFC 3403 defines it (the fields RFC 3263 §4.1 reads). */
export interface NaptrRecord {
  readonly order: number;
  readonly preference: number;
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
}

/** An SRV record (RFC 2782). */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly name: string;
}

/**
 * The DNS queries RFC 3263 needs. Each answers `[]` when the name has no record of that type
 * (NXDOMAIN, NODATA) and throws on any other failure (server failure, time-out), which the locator
 * treats as "no answer" for that step.
 */
export interface SipDns {
  naptr(name: string): Promise<readonly NaptrRecord[]>;
  srv(name: string): Promise<readonly SrvRecord[]>;
  addresses(name: string): Promise<readonly string[]>;
}

const ABSENT = new Set(["ENOTFOUND", "ENODATA", "NOTFOUND", "NODATA"]);

async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (error) {
    if (ABSENT.has((error as NodeJS.ErrnoException).code ?? "")) return [];
    throw error;
  }
}

/**
 * SipDns over Node's resolver. `servers` (`host` or `host:port`, `[v6]:port`) replaces the
 * system's resolvers, e.g. SIP_DNS_SERVERS=127.0.0.1:5353 for a lab DNS server.
 */
export function createSipDns(options: { servers?: readonly string[]; timeoutMs?: number } = {}): SipDns {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    naptr: (name) => orEmpty(resolver.resolveNaptr(name)),
    srv: (name) => orEmpty(resolver.resolveSrv(name)),
    async addresses(name) {
      const [v4, v6] = await Promise.allSettled([
        orEmpty(resolver.resolve4(name)),
        orEmpty(resolver.resolve6(name)),
      ]);
      const found = [
        ...(v4.status === "fulfilled" ? v4.value : []),
        ...(v6.status === "fulfilled" ? v6.value : []),
      ];
      if (found.length === 0 && v4.status === "rejected") throw v4.reason;
      return found;
    },
  };
}
