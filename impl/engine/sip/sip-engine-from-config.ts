import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { Logger } from "pino";
import type { DialogStateStore } from "../dialog-state-store.ts";
import type { MediaAnchor } from "../media-anchor.ts";
import { type SipTransportName as LocatedTransport, locateSipServer } from "./locate/locate-sip-server.ts";
import { createSipDns } from "./locate/sip-dns.ts";
import { readCredentialsFile } from "./registration/sip-credentials.ts";
import type { SipConfig } from "./sip-config.ts";
import { type StartedSipEngine, startSipEngine } from "./sip-engine.ts";

/**
 * Starts the SIP engine from the validated SIP_* configuration (used by impl/server.ts); `logger` is
 * the engine's, bound to its component; `dialogs` keeps the call legs' dialog state for restart recovery.
 */
export async function startSipEngineFromConfig(
  config: SipConfig,
  logger: Logger,
  mediaAnchor?: MediaAnchor,
  dialogs?: DialogStateStore,
): Promise<StartedSipEngine> {
  const credentials = config.credentialsFile ? readCredentialsFile(config.credentialsFile) : new Map();
  const proxy = config.locateProxy ? await locateProxy(config, logger) : undefined;
  const transport = proxy?.transport ?? config.transport;
  const outboundProxy = proxy?.primary ?? config.outboundProxy;
  const trustedPeers =
    config.trust.trustedPeers ??
    (await addressesOf([outboundProxy, ...(proxy?.alternates ?? [])].map((target) => target.host)));
  const engine = await startSipEngine({
    transport,
    localHost: config.localHost,
    localPort: config.localPort,
    outboundProxy,
    ...(proxy ? { outboundProxyAlternates: proxy.alternates, tlsServerName: proxy.serverName } : {}),
    domain: config.domain,
    registrationMode: config.registrationMode,
    credentials: (phone) => credentials.get(phone),
    registerExpiresSec: config.registerExpiresSec,
    sessionExpiresSec: config.sessionExpiresSec,
    minSeSec: config.minSeSec,
    inviteTimeoutMs: config.inviteTimeoutMs,
    ...(mediaAnchor ? { mediaAnchor } : {}),
    ...(dialogs ? { dialogs } : {}),
    ...(config.tlsCaFile ? { tls: { ca: readFileSync(config.tlsCaFile, "utf8") } } : {}),
    ...(config.tlsListener ? { tlsListener: tlsListener(config.tlsListener) } : {}),
    trustedPeers,
    untrustedPai: config.trust.untrustedPai,
    emergencyCalls: config.emergencyCalls,
    logger,
  });
  logger.info(
    {
      transport,
      local: engine.local,
      proxy: proxy?.primary ?? config.outboundProxy,
      mode: config.registrationMode,
      trustedPeers,
      untrustedPai: config.trust.untrustedPai,
      emergencyCalls: config.emergencyCalls,
    },
    "SIP engine started",
  );
  return engine;
}

/** The TLS listener's certificate, key and client CA, read from their files at start. */
function tlsListener(config: NonNullable<SipConfig["tlsListener"]>) {
  return {
    cert: readFileSync(config.certFile),
    key: readFileSync(config.keyFile),
    port: config.port,
    ...(config.clientCaFile ? { clientCa: readFileSync(config.clientCaFile) } : {}),
  };
}

/**
 * The default trust domain: every address the outbound proxy's hosts resolve to now (a name is
 * looked up once, at start).
 */
async function addressesOf(hosts: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const host of hosts) {
    if (isIP(host)) found.add(host);
    else for (const { address } of await lookup(host, { all: true })) found.add(address);
  }
  return [...found];
}

/** Thrown at start when RFC 3263 finds no target for SIP_OUTBOUND_PROXY. */
export class ProxyLocationError extends Error {
  override readonly name = "ProxyLocationError";
}

/**
 * Locates SIP_OUTBOUND_PROXY's domain through DNS (RFC 3263 §4) among the transports SIP_TRANSPORT
 * allows, or udp, tcp and tls when it is not set. The first target decides the transport (one
 * transport per gateway: Via and Contact name it); the other targets with that transport are the
 * failover list, in order.
 */
async function locateProxy(config: SipConfig, logger: Logger) {
  const uri = config.locateProxy as NonNullable<SipConfig["locateProxy"]>;
  const supported: LocatedTransport[] = uri.transportSet
    ? [config.transport as LocatedTransport]
    : ["tls", "tcp", "udp"];
  const targets = await locateSipServer(
    { host: uri.host, secure: uri.secure, ...(uri.transportParam ? { transport: uri.transportParam } : {}) },
    { dns: createSipDns({ servers: config.dnsServers }), supported },
  );
  const first = targets[0];
  if (!first)
    throw new ProxyLocationError(
      `SIP_OUTBOUND_PROXY=${uri.secure ? "sips" : "sip"}:${uri.host}: no NAPTR, SRV or A/AAAA target with a transport of ${supported.join(", ")} (RFC 3263)`,
    );
  const same = targets
    .filter((t) => t.transport === first.transport)
    .map((t) => ({ host: t.address, port: t.port }));
  logger.info(
    { domain: uri.host, transport: first.transport, targets: same.map((t) => `${t.host}:${t.port}`) },
    "SIP outbound proxy located (RFC 3263)",
  );
  return {
    transport: first.transport as SipConfig["transport"],
    primary: same[0] as { host: string; port: number },
    alternates: same.slice(1),
    serverName: uri.host,
  };
}
