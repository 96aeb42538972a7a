import { isIP } from "node:net";
import type { SipDns } from "./sip-dns.ts";
import { orderSrv } from "./srv-order.ts";

/** Transports the gateway can use toward its proxy. */
export type SipTransportName = "udp" | "tcp" | "tls" | "ws" | "wss";

/** One place to send requests to: an address, a port and a transport. */
export interface SipTarget {
  readonly address: string;
  readonly port: number;
  readonly transport: SipTransportName;
  /** The host name the target came from (for TLS server-name checks and logs). */
  readonly host: string;
}

/** The parts of the proxy's SIP URI that RFC 3263 reads. */
export interface SipServerUri {
  readonly host: string;
  readonly port?: number;
  /** The `transport` URI parameter, when present. */
  readonly transport?: SipTransportName;
  /** A `sips:` URI: only TLS-secured transports qualify (RFC 3263 §4.1). */
  readonly secure?: boolean;
}

/** NAPTR services (RFC 3263 §4.1; RFC 7118 §5 for WebSocket) and their transports. */
const NAPTR_SERVICES: Record<string, SipTransportName> = {
  "SIP+D2U": "udp",
  "SIP+D2T": "tcp",
  "SIPS+D2T": "tls",
  "SIP+D2W": "ws",
  "SIPS+D2W": "wss",
};

/** SRV owner name prefixes per transport (RFC 3263 §4.1, RFC 7118 §5). */
const SRV_PREFIX: Record<SipTransportName, string> = {
  udp: "_sip._udp",
  tcp: "_sip._tcp",
  tls: "_sips._tcp",
  ws: "_sip._ws",
  wss: "_sips._ws",
};

const SECURE = new Set<SipTransportName>(["tls", "wss"]);

function defaultPort(transport: SipTransportName): number {
  // RFC 3261 §19.1.2: 5060 for sip over UDP and TCP, 5061 for TLS.
  return SECURE.has(transport) ? 5061 : 5060;
}

export interface LocateOptions {
  readonly dns: SipDns;
  /** Transports the client supports, in its order of preference. */
  readonly supported: readonly SipTransportName[];
  readonly random?: () => number;
}

async function addressTargets(
  dns: SipDns,
  host: string,
  port: number,
  transport: SipTransportName,
): Promise<SipTarget[]> {
  const addresses = await dns.addresses(host).catch(() => []);
  return addresses.map((address) => ({ address, port, transport, host }));
}

async function srvTargets(
  options: LocateOptions,
  name: string,
  transport: SipTransportName,
): Promise<SipTarget[]> {
  const records = await options.dns.srv(name).catch(() => []);
  const targets: SipTarget[] = [];
  for (const record of orderSrv(records, options.random))
    targets.push(...(await addressTargets(options.dns, record.name, record.port, transport)));
  return targets;
}

/**
 * Locates the SIP server of `uri` as RFC 3263 §4 says, returning every target in the order a client
 * tries them: on a transport error or a 503 it moves to the next (§4.3: "the client SHOULD try the
 * next element in the list").
 *
 * - a numeric host: that address, the URI's port or the transport's default (§4.2);
 * - a port without a numeric host: A/AAAA of the host, no SRV (§4.2);
 * - a transport parameter without a port: the SRV records of that transport, else A/AAAA (§4.2);
 * - neither: NAPTR records of the host whose service the client supports (for a SIPS URI only the
 *   secure ones), ordered by order then preference, each followed to its SRV records (§4.1); without
 *   usable NAPTR records, the SRV records of each supported transport in the client's order; without
 *   SRV records, A/AAAA with UDP for a SIP URI and TLS for a SIPS URI, or the client's first
 *   supported transport when it lacks that one.
 */
export async function locateSipServer(uri: SipServerUri, options: LocateOptions): Promise<SipTarget[]> {
  const supported = options.supported.filter((t) => !uri.secure || SECURE.has(t));
  if (supported.length === 0) return [];
  const chosen = uri.transport && supported.includes(uri.transport) ? uri.transport : undefined;
  if (uri.transport && !chosen) return [];
  if (isIP(uri.host) !== 0) {
    const transport = chosen ?? (supported.includes("udp") ? "udp" : (supported[0] as SipTransportName));
    return [{ address: uri.host, port: uri.port ?? defaultPort(transport), transport, host: uri.host }];
  }
  if (uri.port !== undefined) {
    const transport =
      chosen ?? (uri.secure ? "tls" : supported.includes("udp") ? "udp" : (supported[0] as SipTransportName));
    return addressTargets(options.dns, uri.host, uri.port, transport);
  }
  if (chosen) {
    const viaSrv = await srvTargets(options, `${SRV_PREFIX[chosen]}.${uri.host}`, chosen);
    return viaSrv.length > 0 ? viaSrv : addressTargets(options.dns, uri.host, defaultPort(chosen), chosen);
  }
  const naptr = (await options.dns.naptr(uri.host).catch(() => []))
    .filter(
      (r) =>
        r.flags.toLowerCase() === "s" &&
        supported.includes(NAPTR_SERVICES[r.service.toUpperCase()] as SipTransportName),
    )
    .sort((a, b) => a.order - b.order || a.preference - b.preference);
  if (naptr.length > 0) {
    const targets: SipTarget[] = [];
    for (const record of naptr) {
      const transport = NAPTR_SERVICES[record.service.toUpperCase()] as SipTransportName;
      targets.push(...(await srvTargets(options, record.replacement, transport)));
    }
    if (targets.length > 0) return targets;
  }
  const viaSrv: SipTarget[] = [];
  for (const transport of supported)
    viaSrv.push(...(await srvTargets(options, `${SRV_PREFIX[transport]}.${uri.host}`, transport)));
  if (viaSrv.length > 0) return viaSrv;
  const fallback: SipTransportName = uri.secure ? "tls" : "udp";
  const transport = supported.includes(fallback) ? fallback : (supported[0] as SipTransportName);
  return addressTargets(options.dns, uri.host, defaultPort(transport), transport);
}
