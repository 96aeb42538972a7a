import type { EnvReader } from "../../../env/env-reader.ts";

/** SIP_OUTBOUND_PROXY: a proxy with a port, or (RFC 3263) a domain to locate through DNS at start. */
export interface SipProxyConfig {
  /** `sip:host:port[;transport=…]` or `ws(s)://host:port[/path]`; port 0 while {@link locateProxy} holds. */
  readonly outboundProxy: { readonly host: string; readonly port: number; readonly path?: string };
  /**
   * SIP_OUTBOUND_PROXY with a host name and no port (`sip:ims.example`, `sips:…`, `;transport=`): the
   * proxy is located at start through DNS, NAPTR → SRV → A/AAAA (RFC 3263), among the transports
   * SIP_TRANSPORT allows (all of udp, tcp, tls when SIP_TRANSPORT is not set).
   */
  readonly locateProxy:
    | {
        readonly host: string;
        readonly secure: boolean;
        readonly transportParam: "udp" | "tcp" | "tls" | undefined;
        readonly transportSet: boolean;
      }
    | undefined;
  /** SIP_DNS_SERVERS: resolvers for RFC 3263 (`host[:port]`, comma-separated); default the system's. */
  readonly dnsServers: readonly string[];
}

/** SIP_OUTBOUND_PROXY and SIP_DNS_SERVERS, for the transport SIP_TRANSPORT names. */
export function readSipProxyConfig(r: EnvReader, transport: string): SipProxyConfig {
  const rawProxy = r.env.SIP_OUTBOUND_PROXY ?? "";
  const proxy =
    /^wss?:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(rawProxy) ?? /^sips?:([^;:]+):(\d+)/.exec(rawProxy) ?? undefined;
  // RFC 3263: a host name without a port is located through DNS at start.
  const located = proxy ? undefined : /^(sips?):([A-Za-z0-9.-]+)(;transport=(udp|tcp|tls))?$/i.exec(rawProxy);
  if ((!proxy?.[1] || !proxy[2]) && !located)
    r.problem(
      `SIP_OUTBOUND_PROXY=${rawProxy} must be sip:host:port[;transport=udp|tcp|tls], sip:domain (located through DNS, RFC 3263) or ws(s)://host:port for SIP_TRANSPORT=ws(s).`,
    );
  if (located && (transport === "ws" || transport === "wss"))
    r.problem(
      `SIP_TRANSPORT=${transport} needs SIP_OUTBOUND_PROXY=${transport}://host:port[/path] (RFC 3263 location is for udp, tcp and tls).`,
    );
  const dnsServers = r.list("SIP_DNS_SERVERS");
  for (const server of dnsServers)
    if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9a-fA-F:]+)$/.test(server))
      r.problem(
        `SIP_DNS_SERVERS: ${server} is not an IP address with an optional port (e.g. 127.0.0.1:5353).`,
      );
  return {
    outboundProxy: {
      host: proxy?.[1] ?? "",
      port: Number(proxy?.[2] ?? 0),
      ...(proxy?.[3] ? { path: proxy[3] } : {}),
    },
    locateProxy: located?.[2]
      ? {
          host: located[2],
          secure: located[1]?.toLowerCase() === "sips",
          transportParam: located[4]?.toLowerCase() as "udp" | "tcp" | "tls" | undefined,
          transportSet: r.env.SIP_TRANSPORT !== undefined,
        }
      : undefined,
    dnsServers,
  };
}
