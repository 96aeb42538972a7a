import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { parseWithServiceUrns } from "../emergency/parse-with-service-urns.ts";
import {
  IncomingRequestMessage,
  type IncomingResponseMessage,
  type Logger,
  LoggerFactory,
} from "../sip-core.ts";
import { openProxyFlow } from "./open-proxy-flow.ts";
import { type RequestSource, RequestSources, type SourceAddress } from "./request-sources.ts";
import { type FlowEvents, type SipFlow, streamFlow } from "./sip-flow.ts";
import { messageRouting } from "./sip-message-routing.ts";
import { UdpRetransmitter } from "./udp-retransmitter.ts";

export type SipTransportName = "udp" | "tcp" | "tls" | "ws" | "wss";

export interface NodeTransportOptions {
  readonly transport: SipTransportName;
  /** Address the gateway listens on (or connects from) and announces in Via and Contact; never `*.invalid`. */
  readonly localHost: string;
  /** Listening port for UDP/TCP (0 = chosen by the kernel); unused for TLS and WS (client only). */
  readonly localPort: number;
  /** The outbound proxy every request goes to (RFC 3261 §8.1.2). For WS, `path` is the URL path. */
  readonly proxy: { readonly host: string; readonly port: number; readonly path?: string };
  /**
   * Further targets of the same proxy, in the order RFC 3263 located them (after `proxy`): a flow that
   * cannot be opened to one moves to the next (§4.3: "the client SHOULD try the next element").
   */
  readonly alternates?: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /**
   * The name a TLS certificate must carry when `proxy` is an address found through DNS: the domain
   * of the proxy's SIP URI (RFC 5922 §4.1), not the SRV target. Default `proxy.host`.
   */
  readonly tlsServerName?: string;
  /**
   * How the TLS client verifies the proxy's certificate: `ca` replaces Node's default trust store
   * (PEM); `rejectUnauthorized` defaults to true and stays so outside tests.
   */
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean };
  /**
   * TLS only: a listener with the gateway's own certificate (PEM `cert`, `key`) on `port` of
   * `localHost` (0 = chosen by the kernel), so that Via and Contact name it and the proxy or a peer
   * can open connections to the gateway (RFC 3261 §26.2.1). With `clientCa`, every peer must present
   * a certificate chaining to it (mutual TLS); without it, none is asked for.
   */
  readonly tlsListener?: {
    readonly cert: string | Buffer;
    readonly key: string | Buffer;
    readonly clientCa?: string | Buffer;
    readonly port: number;
  };
  /** RFC 3261 T1, ms (default 500): UDP request retransmissions start here. */
  readonly t1Ms?: number;
  /** A complete SIP message arrived, parsed once here (sip.js's parser) for routing and the core alike. */
  onMessage(raw: string, message: IncomingRequestMessage | IncomingResponseMessage): void;
  /** Where sip.js's parser reports header fields it could not parse; default: nowhere. */
  readonly loggerFactory?: LoggerFactory;
  /** The shared flow to the outbound proxy came up again after a loss (re-register on it). */
  onProxyFlowRestored?(): void;
  /** The shared flow to the outbound proxy was lost. */
  onProxyFlowLost?(error: Error | undefined): void;
  log?(level: "debug" | "warn", message: string): void;
}

/**
 * The sip.js core's Transport for Node: `send(string)` and a callback for received messages, over
 * UDP, TCP, TLS or WebSocket, plain or secure (RFC 7118). Every request travels on one shared flow to the outbound
 * proxy, so thousands of registrations use one socket; responses go back on the flow (or to the
 * address, for UDP) the request came from, honouring rport (RFC 3581 §4). sip.js transactions
 * assume a reliable transport, so over UDP this class retransmits requests (Timers A and E).
 *
 * Over WS and WSS, and over TLS without a certificate of its own, the gateway is a client only: it announces
 * the local address of its connection to the proxy in Via and Contact, and the proxy sends requests
 * for it back over that connection, as proxies do for WebSocket clients (RFC 7118) and for clients
 * behind NAT (RFC 5626). With a certificate (`tlsListener`) it also listens, and announces that.
 */
export class NodeTransport {
  /** As sip.js puts it into Via: "UDP", "TCP", "TLS", "WS" or "WSS" (RFC 7118 §5.3). */
  readonly protocol: "UDP" | "TCP" | "TLS" | "WS" | "WSS";
  /** The SIP URI `transport` parameter: RFC 7118 §5.2 defines "ws" for WebSocket, secure or not. */
  readonly uriTransport: "udp" | "tcp" | "tls" | "ws";
  private udp: UdpSocket | undefined;
  private server: Server | undefined;
  private proxyFlow: SipFlow | undefined;
  private connecting: Promise<SipFlow> | undefined;
  private readonly inbound = new Set<SipFlow>();
  private readonly sources = new RequestSources();
  private readonly retransmitter: UdpRetransmitter;
  private readonly parserLogger: Logger;
  private listeningPort = 0;
  private hadProxyFlow = false;
  private closed = false;
  /** The target of {@link targets} the proxy flow (or UDP) uses now. */
  private current: { readonly host: string; readonly port: number };
  /** Where the next flow to the proxy starts looking, after a {@link failover}. */
  private firstTarget = 0;

  constructor(private readonly options: NodeTransportOptions) {
    this.protocol = options.transport.toUpperCase() as NodeTransport["protocol"];
    this.uriTransport = options.transport === "wss" ? "ws" : options.transport;
    this.current = options.proxy;
    this.retransmitter = new UdpRetransmitter(options.t1Ms ?? 500, (raw) => this.sendUdp(raw));
    this.parserLogger = (options.loggerFactory ?? quietLoggerFactory()).getLogger("sip.parser");
  }

  /**
   * host:port to put in Via sent-by and Contact: the listening port (UDP, TCP), or the local port of
   * the connection to the proxy (TLS, WS; 0 until {@link ensureConnected} opened it).
   */
  get sentBy(): { host: string; port: number } {
    if (this.clientOnly) return { host: this.options.localHost, port: this.proxyFlow?.local.port ?? 0 };
    return { host: this.options.localHost, port: this.listeningPort };
  }

  /** WS, WSS, and TLS without a certificate: no listener; everything travels on the connection to the proxy. */
  private get clientOnly(): boolean {
    const { transport, tlsListener } = this.options;
    return (transport === "tls" && !tlsListener) || transport === "ws" || transport === "wss";
  }

  /** Whether the flow to the outbound proxy is up (always true for UDP once bound). */
  get connected(): boolean {
    return this.options.transport === "udp" ? this.udp !== undefined : (this.proxyFlow?.open ?? false);
  }

  /**
   * Binds the listener (UDP socket, TCP server); for WS opens the proxy flow. For TLS and WSS it starts
   * opening the flow without waiting for it: a proxy whose certificate cannot be verified fails the
   * requests that need it (with the reason logged), not the gateway's start.
   */
  async listen(): Promise<void> {
    const { transport, localHost, localPort } = this.options;
    if (transport === "udp") {
      const socket = createSocket({ type: localHost.includes(":") ? "udp6" : "udp4" });
      socket.on("message", (data, rinfo) =>
        this.receive(data.toString("utf8"), { address: rinfo.address, port: rinfo.port }),
      );
      socket.on("error", (error) => this.options.log?.("warn", `UDP socket error: ${error.message}`));
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(localPort, localHost, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      this.udp = socket;
      this.listeningPort = socket.address().port;
    } else if (transport === "tcp" || this.options.tlsListener) {
      const server = this.options.tlsListener
        ? this.tlsServer(this.options.tlsListener)
        : createServer((s) => this.adopt(s, "TCP"));
      const port = this.options.tlsListener?.port ?? localPort;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, localHost, () => {
          server.off("error", reject);
          resolve();
        });
      });
      // net.Server emits accept failures (EMFILE, ENFILE) as "error" events: unheard, they would
      // end the process; the listener keeps accepting once descriptors are free again.
      server.on("error", (error) =>
        this.options.log?.("warn", `SIP ${this.protocol} listener error: ${error.message}`),
      );
      this.server = server;
      const address = server.address();
      this.listeningPort = typeof address === "object" && address ? address.port : port;
      // TLS: open the proxy flow at once too, so that a certificate problem shows at start-up.
      if (transport === "tls") this.proxy().catch(() => undefined);
    } else if (transport === "ws") {
      await this.proxy();
    } else {
      // TLS, WSS: try at once so that a certificate problem shows in the log at start-up (proxy() logs it).
      this.proxy().catch(() => undefined);
    }
    this.sources.start();
  }

  /** sip.js Transport.send: requests to the outbound proxy, responses back where the request came from. */
  async send(message: string): Promise<void> {
    if (this.closed) throw new Error("transport closed");
    const routing = messageRouting(message);
    if (this.options.transport === "udp") {
      if (routing.isRequest) {
        this.sendUdp(message);
        if (routing.method !== "ACK" && routing.branch)
          this.retransmitter.track(routing.branch, routing.method, message);
        return;
      }
      const source = this.sources.get(routing.branch);
      if (source && "address" in source) this.sendUdp(message, source.address, source.port);
      else this.sendUdp(message);
      return;
    }
    if (!routing.isRequest && routing.branch) {
      const source = this.sources.get(routing.branch);
      if (source && "flow" in source && source.flow.open) return source.flow.write(message);
    }
    const flow = await this.proxy();
    await flow.write(message);
  }

  /**
   * The address and port a request came from (the socket's peer, not its Via: RFC 3261 §18.2.1),
   * by its top Via branch, while its responses may still be sent (64 s).
   */
  sourceOf(branch: string): SourceAddress | undefined {
    const source = this.sources.get(branch);
    if (!source) return undefined;
    if (!("flow" in source)) return source;
    const { remote, peerNames } = source.flow;
    return { address: remote.host, port: remote.port, tlsNames: peerNames };
  }

  /** Opens the flow to the outbound proxy if it is down; rejects when the proxy cannot be reached. */
  async ensureConnected(): Promise<void> {
    if (this.options.transport !== "udp") await this.proxy();
  }

  /**
   * The proxy answered 503 (RFC 3263 §4.3: "the client SHOULD try the next element in the list"):
   * later requests go to the target after the current one. Returns false, changing nothing, when
   * the current target is the last.
   */
  failover(): boolean {
    const targets = this.targets;
    const index = targets.findIndex((t) => t.host === this.current.host && t.port === this.current.port);
    const next = targets[index + 1];
    if (index < 0 || !next) return false;
    this.options.log?.(
      "warn",
      `${this.current.host}:${this.current.port} answered 503: moving to ${next.host}:${next.port}`,
    );
    this.firstTarget = index + 1;
    this.current = next;
    this.proxyFlow?.close();
    return true;
  }

  /** Closes the proxy flow as a network fault would (used by fault tests and on shutdown). */
  dropProxyFlow(): void {
    this.proxyFlow?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sources.stop();
    this.retransmitter.clear();
    this.proxyFlow?.close();
    for (const flow of this.inbound) flow.close();
    this.inbound.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve()));
  }

  /**
   * The one parse of a received message: its top Via branch (sip.js's `viaBranch`) records where a
   * request came from and stops the retransmissions a response answers; the core gets the same object.
   */
  private receive(raw: string, source: RequestSource): void {
    try {
      const message = parseWithServiceUrns(raw, this.parserLogger);
      if (!message) {
        this.options.log?.("warn", "dropped an unparsable SIP message");
        return;
      }
      const branch = message.viaBranch as string | undefined;
      if (message instanceof IncomingRequestMessage) {
        if (branch) this.sources.set(branch, source);
      } else if (branch) {
        this.retransmitter.response(branch, message.method, message.statusCode ?? 0);
      }
      this.options.onMessage(raw, message);
    } catch (error) {
      this.options.log?.("warn", `dropped a message the core could not process: ${(error as Error).message}`);
    }
  }

  private readonly flowEvents: FlowEvents = {
    message: (raw, flow) => this.receive(raw, { flow }),
    closed: (flow, error) => {
      this.inbound.delete(flow);
      if (flow === this.proxyFlow) {
        this.proxyFlow = undefined;
        if (!this.closed) {
          this.options.onProxyFlowLost?.(error);
          this.reconnectSoon(500);
        }
      }
    },
  };

  private adopt(socket: import("node:net").Socket, protocol: "TCP" | "TLS"): void {
    const flow = streamFlow(protocol, socket, this.flowEvents);
    this.inbound.add(flow);
  }

  /** The TLS listener: a peer that fails the handshake (or the client-certificate check) is logged. */
  private tlsServer(listener: NonNullable<NodeTransportOptions["tlsListener"]>): Server {
    const verify = listener.clientCa !== undefined;
    const server = createTlsServer(
      {
        cert: listener.cert,
        key: listener.key,
        ...(verify ? { ca: listener.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      },
      (socket) => this.adopt(socket, "TLS"),
    );
    server.on("tlsClientError", (error, socket) =>
      this.options.log?.("warn", `TLS handshake from ${socket.remoteAddress} failed: ${error.message}`),
    );
    return server;
  }

  /** The shared flow to the outbound proxy, connecting (again) when needed. */
  private proxy(): Promise<SipFlow> {
    if (this.proxyFlow?.open) return Promise.resolve(this.proxyFlow);
    if (this.connecting) return this.connecting;
    this.connecting = this.connectProxy().then(
      (flow) => {
        this.connecting = undefined;
        this.proxyFlow = flow;
        if (this.hadProxyFlow) queueMicrotask(() => this.options.onProxyFlowRestored?.());
        this.hadProxyFlow = true;
        return flow;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** The proxy's targets in RFC 3263 order: `proxy`, then the alternates. */
  private get targets(): ReadonlyArray<{ readonly host: string; readonly port: number }> {
    return [this.options.proxy, ...(this.options.alternates ?? [])];
  }

  /**
   * Opens a flow to the first target that accepts one, from the top of the list each time (the
   * preferred target is tried again once it is back).
   */
  private async connectProxy(): Promise<SipFlow> {
    let last: unknown;
    const targets = this.targets;
    // After a failover the targets before it come last; otherwise the preferred one first.
    for (const target of [...targets.slice(this.firstTarget), ...targets.slice(0, this.firstTarget)]) {
      try {
        const flow = await this.connectTo(target);
        this.current = target;
        return flow;
      } catch (error) {
        last = error;
        // A certificate that does not verify is a configuration problem: say so where operators look.
        this.options.log?.(
          "warn",
          `cannot open the ${this.protocol} flow to ${target.host}:${target.port}: ${(error as Error).message}`,
        );
      }
    }
    throw last;
  }

  private connectTo(target: { readonly host: string; readonly port: number }): Promise<SipFlow> {
    const { transport, tls, localHost, tlsServerName, proxy } = this.options;
    return openProxyFlow({
      transport,
      target: { ...target, ...(proxy.path ? { path: proxy.path } : {}) },
      localHost,
      ...(tls ? { tls } : {}),
      ...(tlsServerName ? { tlsServerName } : {}),
      events: this.flowEvents,
    });
  }

  /** Re-opens the proxy flow after a loss, backing off to 30 s while the proxy stays unreachable. */
  private reconnectSoon(delayMs: number): void {
    const timer = setTimeout(() => {
      if (this.closed || this.proxyFlow?.open) return;
      this.proxy().catch(() => this.reconnectSoon(Math.min(delayMs * 2, 30_000)));
    }, delayMs);
    timer.unref();
  }

  private sendUdp(raw: string, host = this.current.host, port = this.current.port): void {
    this.udp?.send(raw, port, host, (error) => {
      if (error) this.options.log?.("warn", `UDP send to ${host}:${port} failed: ${error.message}`);
    });
  }
}

/** sip.js's logger factory with its console output off, for a transport given none. */
function quietLoggerFactory(): LoggerFactory {
  const factory = new LoggerFactory();
  factory.builtinEnabled = false;
  return factory;
}
