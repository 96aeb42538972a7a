import { connect as tcpConnect } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { WebSocket } from "ws";
import { type FlowEvents, type SipFlow, streamFlow, verifiedPeerNames, webSocketFlow } from "./sip-flow.ts";

/**
 * Opens one flow to a target of the outbound proxy over TCP, TLS or WebSocket, plain or secure
 * (RFC 7118), leaving from the gateway's announced address; rejects on a connection error or after 5 s.
 */
export function openProxyFlow(o: {
  readonly transport: "tcp" | "tls" | "ws" | "wss" | "udp";
  readonly target: { readonly host: string; readonly port: number; readonly path?: string };
  readonly localHost: string;
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean };
  /** The name the certificate must carry (RFC 5922 §4.1), when the target was located through DNS. */
  readonly tlsServerName?: string;
  readonly events: FlowEvents;
}): Promise<SipFlow> {
  const { transport, target: proxy } = o;
  return new Promise<SipFlow>((resolve, reject) => {
    if (transport === "ws" || transport === "wss") {
      const ws = new WebSocket(`${transport}://${proxy.host}:${proxy.port}${proxy.path ?? "/"}`, "sip", {
        handshakeTimeout: 5000,
        localAddress: o.localHost,
        // RFC 7118 §10.1: "It is RECOMMENDED that the SIP traffic transported over a WebSocket
        // communication be protected by using a secure WebSocket connection": verified as for TLS.
        ...(transport === "wss" ? secureOptions(o) : {}),
      });
      ws.once("open", () => {
        ws.removeListener("error", reject);
        const socket = (ws as unknown as { _socket: import("node:net").Socket })._socket;
        resolve(
          webSocketFlow(
            transport === "wss" ? "WSS" : "WS",
            ws,
            { host: o.localHost, port: socket.localPort ?? 0 },
            { host: proxy.host, port: proxy.port },
            o.events,
            verifiedPeerNames(socket),
          ),
        );
      });
      ws.once("error", reject);
      return;
    }
    // The connection leaves from the announced address: the proxy finds it again by that address
    // and the port, to send requests for the gateway back over it.
    const from = { host: proxy.host, port: proxy.port, localAddress: o.localHost };
    // RFC 5922 §7.3: the client checks that the certificate names the server it meant to reach
    // (Node's checkServerIdentity, against the proxy host); `ca` decides which issuers count.
    // tls.connect passes localAddress on to net.connect, which its ConnectionOptions type omits.
    const tlsOptions: ConnectionOptions & { localAddress: string } = { ...from, ...secureOptions(o) };
    const socket = transport === "tls" ? tlsConnect(tlsOptions) : tcpConnect(from);
    const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), 5000);
    socket.once(transport === "tls" ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeListener("error", reject);
      resolve(streamFlow(transport === "tls" ? "TLS" : "TCP", socket, o.events));
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** How the TLS client (TLS, WSS) verifies the proxy's certificate: issuers from `ca`, the expected name. */
function secureOptions(o: {
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean };
  readonly tlsServerName?: string;
}): ConnectionOptions {
  return {
    ...(o.tlsServerName ? { servername: o.tlsServerName } : {}),
    ...(o.tls?.ca ? { ca: o.tls.ca } : {}),
    rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
  };
}
