import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { WebSocket } from "ws";
import { SipStreamFramer } from "./stream-framer.ts";

/**
 * A connection-oriented path to one peer (RFC 5626 "flow"): a TCP or TLS socket framed by
 * Content-Length, or a WebSocket carrying one SIP message per frame (RFC 7118 §5).
 */
export interface SipFlow {
  readonly protocol: "TCP" | "TLS" | "WS" | "WSS";
  /** Local address of the socket, for Via sent-by and Contact. */
  readonly local: { readonly host: string; readonly port: number };
  readonly remote: { readonly host: string; readonly port: number };
  /** TLS and WSS: the DNS names of the peer's certificate, when it was verified; otherwise none. */
  readonly peerNames: readonly string[];
  readonly open: boolean;
  write(message: string): Promise<void>;
  close(): void;
}

export interface FlowEvents {
  message(raw: string, flow: SipFlow): void;
  closed(flow: SipFlow, error?: Error): void;
}

/** A TCP or TLS socket as a SIP flow. */
export function streamFlow(protocol: "TCP" | "TLS", socket: Socket, events: FlowEvents): SipFlow {
  const framer = new SipStreamFramer();
  let open = true;
  const flow: SipFlow = {
    protocol,
    local: { host: socket.localAddress ?? "127.0.0.1", port: socket.localPort ?? 0 },
    remote: { host: socket.remoteAddress ?? "127.0.0.1", port: socket.remotePort ?? 0 },
    peerNames: verifiedPeerNames(socket),
    get open() {
      return open && !socket.destroyed;
    },
    write(message) {
      return new Promise((resolve, reject) => {
        if (!flow.open) {
          reject(new Error(`${protocol} flow to ${flow.remote.host}:${flow.remote.port} is closed`));
          return;
        }
        socket.write(message, (error) => (error ? reject(error) : resolve()));
      });
    },
    close() {
      open = false;
      socket.destroy();
    },
  };
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 15_000);
  socket.on("data", (chunk: Buffer) => {
    try {
      const { messages, pings } = framer.push(chunk);
      // RFC 5626 §4.4.1: a double-CRLF ping is answered with a single CRLF pong.
      for (let i = 0; i < pings; i++) socket.write("\r\n");
      for (const raw of messages) events.message(raw, flow);
    } catch (error) {
      socket.destroy(error as Error);
    }
  });
  let reported = false;
  const report = (error?: Error) => {
    open = false;
    if (reported) return;
    reported = true;
    events.closed(flow, error);
  };
  socket.on("error", (error) => report(error));
  socket.on("close", () => report());
  return flow;
}

/** A WebSocket (subprotocol "sip"), plain or over TLS, as a SIP flow. */
export function webSocketFlow(
  protocol: "WS" | "WSS",
  ws: WebSocket,
  local: { host: string; port: number },
  remote: { host: string; port: number },
  events: FlowEvents,
  peerNames: readonly string[] = [],
): SipFlow {
  let open = true;
  const flow: SipFlow = {
    protocol,
    local,
    remote,
    peerNames,
    get open() {
      return open && ws.readyState === ws.OPEN;
    },
    write(message) {
      return new Promise((resolve, reject) => {
        if (!flow.open) {
          reject(new Error(`${protocol} flow to ${remote.host}:${remote.port} is closed`));
          return;
        }
        ws.send(message, (error) => (error ? reject(error) : resolve()));
      });
    },
    close() {
      open = false;
      ws.terminate();
    },
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    // RFC 7118 §5: each SIP message is carried in one WebSocket message, text or binary.
    events.message(isBinary ? data.toString("utf8") : data.toString(), flow);
  });
  let reported = false;
  const report = (error?: Error) => {
    open = false;
    if (reported) return;
    reported = true;
    events.closed(flow, error);
  };
  ws.on("error", (error) => report(error));
  ws.on("close", () => report());
  return flow;
}

/**
 * The DNS names of a TLS peer's certificate, only when the handshake verified it (`authorized`):
 * the subjectAltName dNSName entries, or the subject CN when there are none (RFC 5922 §7.1 reads
 * the identity from subjectAltName first).
 */
export function verifiedPeerNames(socket: Socket): readonly string[] {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return [];
  const certificate = socket.getPeerCertificate();
  const sans = (certificate.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  if (sans.length > 0) return sans;
  const cn = certificate.subject?.CN;
  return typeof cn === "string" && cn ? [cn] : [];
}
