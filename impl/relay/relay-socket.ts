import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { TokenVerifier } from "camara-webrtc-runtime";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { relayChannels } from "./relay-channels.ts";
import type { RelayChannel, RelayStore } from "./relay-store.ts";

/** WebSocket path of the relay on the gateway's HTTP server. */
export const SOCKET_PATH = "/relay/v0/socket";

/**
 * Close codes of the relay protocol (4000–4999 are the application's, RFC 6455 §7.4.2).
 * 4400: malformed message; 4401: missing/invalid/expired access token; 4403: the channel belongs to
 * another subscriber; 4404: unknown or expired channel; 4408: no `open` message in time.
 */
export const CLOSE = {
  protocol: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  unknown: 4404,
  timeout: 4408,
} as const;

/** First message from the device. Browsers cannot set headers on a WebSocket, so the token goes here. */
interface OpenMessage {
  readonly type: "open";
  readonly accessToken: string;
  /** Resume this channel (the device's earlier one) instead of opening a new one. */
  readonly channelId?: string;
  /** Last cursor the device processed: later notifications are replayed. */
  readonly cursor?: number;
}

export interface RelaySocketOptions {
  readonly store: RelayStore;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly now: () => number;
  readonly channelTtlMs: number;
  /** Sink URL of a channel. */
  readonly sinkUrl: (channelId: string) => string;
  /** Wait at most this long for the `open` message, ms. Default 10000. */
  readonly openTimeoutMs?: number;
}

function parseOpen(data: string): OpenMessage | undefined {
  try {
    const m = JSON.parse(data) as Partial<OpenMessage>;
    if (m.type !== "open" || typeof m.accessToken !== "string") return undefined;
    if (m.channelId !== undefined && typeof m.channelId !== "string") return undefined;
    if (m.cursor !== undefined && (!Number.isInteger(m.cursor) || m.cursor < 0)) return undefined;
    return m as OpenMessage;
  } catch {
    return undefined;
  }
}

/**
 * The device side of the relay: a browser opens a WebSocket, authenticates with its access token,
 * and gets a channel whose sink URL (and sink credential) it uses in webrtc-events subscriptions.
 * Notifications posted to the sink arrive on the socket in order, each with its cursor; on
 * reconnection the device names its channel and cursor and receives what it missed first.
 */
export function createRelaySocket(options: RelaySocketOptions) {
  const { store } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const channels = relayChannels(store, options.logger);

  function send(socket: WebSocket, message: object) {
    socket.send(JSON.stringify(message));
  }

  async function open(socket: WebSocket, message: OpenMessage) {
    let principal: Awaited<ReturnType<TokenVerifier["verify"]>>;
    try {
      principal = await options.verifier.verify(message.accessToken);
    } catch {
      return socket.close(CLOSE.unauthenticated, "invalid access token");
    }
    const owner = principal.phoneNumber ?? principal.subject;
    let channel: RelayChannel | undefined;
    if (message.channelId) {
      channel = await store.getChannel(message.channelId);
      if (!channel || channel.expiresAt <= options.now())
        return socket.close(CLOSE.unknown, "unknown channel");
      if (channel.owner !== owner) return socket.close(CLOSE.forbidden, "not your channel");
    } else {
      channel = await store.createChannel(owner, options.channelTtlMs, options.now());
    }
    if (socket.readyState !== socket.OPEN) return;
    const id = channel.id;
    const member = channels.join(id, socket);
    const last = await store.lastCursor(id);
    const from = message.cursor ?? last;
    const replay = await store.since(id, from);
    if (socket.readyState !== socket.OPEN) return;
    send(socket, {
      type: "channel",
      channelId: id,
      sink: options.sinkUrl(id),
      sinkCredential: {
        credentialType: "ACCESSTOKEN",
        accessToken: channel.sinkToken,
        accessTokenType: "bearer",
        accessTokenExpiresUtc: new Date(channel.expiresAt).toISOString(),
      },
      cursor: last,
    });
    channels.replayed(id, member, from, replay);
    if (principal.expiresAtMs !== undefined) {
      const timer = setTimeout(
        () => socket.close(CLOSE.unauthenticated, "access token expired"),
        principal.expiresAtMs - options.now(),
      );
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    }
  }

  wss.on("connection", (socket: WebSocket) => {
    const timer = setTimeout(
      () => socket.close(CLOSE.timeout, "send an open message first"),
      options.openTimeoutMs ?? 10_000,
    );
    socket.once("message", (data, isBinary) => {
      clearTimeout(timer);
      const message = isBinary ? undefined : parseOpen(data.toString());
      if (!message) return socket.close(CLOSE.protocol, "expected {type: open, accessToken}");
      open(socket, message).catch((err: unknown) => {
        options.logger.error({ err }, "relay open failed");
        socket.close(1011, "internal error");
      });
    });
    socket.once("close", () => clearTimeout(timer));
  });

  return {
    /** Routes WebSocket upgrades on SOCKET_PATH of `server` to the relay. */
    attach(server: Server): void {
      server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (new URL(req.url ?? "/", "http://gateway.invalid").pathname === SOCKET_PATH) {
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
          return;
        }
        // With an upgrade listener, Node hands every upgrade request here and answers none itself:
        // an unanswered one would hold its socket open. The relay is the only WebSocket endpoint.
        refuseUpgrade(socket);
      });
    },
    /** Pushes a stored notification to the channel's open sockets (in cursor order, each once). */
    push: channels.push,
    /** A notification of the channel was stored on another node (`cursor`): its sockets here catch up. */
    announced: channels.announced,
    /** Catches every socket up (notifications from other nodes may have been missed). */
    catchUp: channels.catchUp,
    close(): void {
      for (const socket of wss.clients) socket.close(1001, "gateway shutting down");
      wss.close();
    },
  };
}

/** Answers an upgrade request for any other path as the HTTP face would: 404 NOT_FOUND, then closes. */
function refuseUpgrade(socket: Duplex): void {
  const body = JSON.stringify({
    status: 404,
    code: "NOT_FOUND",
    message: "No WebSocket endpoint at this path.",
  });
  socket.end(
    `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
