import { randomBytes } from "node:crypto";
import WebSocket from "ws";

/** One Janus API or Admin API message: a JSON object whose `janus` member names its kind. */
export type JanusMessage = { readonly janus: string } & Record<string, unknown>;

/** Why a Janus request failed. */
export type JanusFailure =
  /** No reply within the request timeout. */
  | "timeout"
  /** The WebSocket closed (or never opened) while the request waited. */
  | "closed"
  /** Janus answered `"janus": "error"`; {@link JanusError.code} is its error code (janus/apierror.h). */
  | "error";

export class JanusError extends Error {
  override readonly name = "JanusError";
  constructor(
    readonly failure: JanusFailure,
    message: string,
    /** The request's `janus` verb, e.g. `create`, `message`, `handle_info`. */
    readonly request: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface JanusConnectionOptions {
  /** ws://host:port of the Janus API (or of the Admin API with `admin`). */
  readonly url: string;
  /** Speak the Admin API (subprotocol `janus-admin-protocol`, every request carries `adminSecret`). */
  readonly admin?: boolean;
  readonly adminSecret?: string;
  /** How long to wait for the connection and for each reply, in milliseconds; default 10000. */
  readonly timeoutMs?: number;
}

export interface JanusRequestOptions {
  /**
   * Resolve with the asynchronous `event` that carries the request's transaction, not with its
   * `ack`: a plugin `message` is acknowledged at once and answered later (Janus API, "message").
   */
  readonly awaitEvent?: boolean;
}

/** A WebSocket to Janus with request/reply matching by transaction. */
export interface JanusConnection {
  /** Sends a request (a transaction is added) and resolves with its reply; rejects with {@link JanusError}. */
  request(message: JanusMessage, options?: JanusRequestOptions): Promise<JanusMessage>;
  /** Messages that answer no pending request: `webrtcup`, `media`, `hangup`, `detached`, `timeout`, … */
  onEvent(listener: (event: JanusMessage) => void): void;
  /** Called once when the WebSocket closes, whoever closed it. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
  close(): void;
}

interface Pending {
  readonly verb: string;
  readonly awaitEvent: boolean;
  resolve(reply: JanusMessage): void;
  reject(error: JanusError): void;
  timer: NodeJS.Timeout;
}

/**
 * Opens a WebSocket to Janus (Janus API subprotocol `janus-protocol`, Admin API
 * `janus-admin-protocol`) and resolves once it is open.
 *
 * "Every request needs a transaction identifier, which is used to correlate requests and responses"
 * (Janus API docs, "The Janus API"); replies are `success`, `error`, `ack` (for requests answered
 * later) and, for plugin messages, an `event` with the same transaction.
 */
export async function openJanusConnection(options: JanusConnectionOptions): Promise<JanusConnection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = new WebSocket(options.url, options.admin ? "janus-admin-protocol" : "janus-protocol");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new JanusError("timeout", `no WebSocket to Janus at ${options.url}`, "connect"));
    }, timeoutMs);
    socket.once("open", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new JanusError("closed", `no WebSocket to Janus at ${options.url}: ${error.message}`, "connect"),
      );
    });
  });
  const prefix = randomBytes(4).toString("hex");
  let sequence = 0;
  const pending = new Map<string, Pending>();
  const eventListeners: ((event: JanusMessage) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  let closed = false;

  socket.on("message", (data) => {
    let message: JanusMessage;
    try {
      message = JSON.parse(String(data)) as JanusMessage;
    } catch {
      return;
    }
    const transaction = typeof message.transaction === "string" ? message.transaction : undefined;
    const entry = transaction ? pending.get(transaction) : undefined;
    if (!entry || !transaction) {
      for (const listener of eventListeners) listener(message);
      return;
    }
    if (message.janus === "ack" && entry.awaitEvent) return;
    pending.delete(transaction);
    clearTimeout(entry.timer);
    if (message.janus === "error") {
      const error = (message.error ?? {}) as { code?: number; reason?: string };
      entry.reject(
        new JanusError("error", `Janus ${entry.verb}: ${error.reason ?? "error"}`, entry.verb, error.code),
      );
    } else entry.resolve(message);
  });
  socket.on("error", () => undefined);
  socket.once("close", () => {
    closed = true;
    for (const [transaction, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(transaction);
      entry.reject(new JanusError("closed", `Janus ${entry.verb}: the WebSocket closed`, entry.verb));
    }
    for (const listener of closeListeners) listener();
  });

  return {
    request(message, requestOptions = {}) {
      if (closed)
        return Promise.reject(
          new JanusError("closed", `Janus ${message.janus}: the WebSocket is closed`, message.janus),
        );
      const transaction = `${prefix}-${++sequence}`;
      return new Promise<JanusMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(transaction);
          reject(
            new JanusError("timeout", `Janus ${message.janus}: no reply in ${timeoutMs} ms`, message.janus),
          );
        }, timeoutMs);
        pending.set(transaction, {
          verb: message.janus,
          awaitEvent: requestOptions.awaitEvent ?? false,
          resolve,
          reject,
          timer,
        });
        const body = {
          ...message,
          transaction,
          ...(options.admin && options.adminSecret ? { admin_secret: options.adminSecret } : {}),
        };
        socket.send(JSON.stringify(body));
      });
    },
    onEvent: (listener) => void eventListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    get closed() {
      return closed;
    },
    close() {
      if (!closed) socket.close();
    },
  };
}

/** A connection opened on first use and opened again after it closed. */
export interface LazyJanusConnection {
  get(): Promise<JanusConnection>;
  /** Listeners given to every connection this opens. */
  onEvent(listener: (event: JanusMessage) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

export function lazyJanusConnection(open: () => Promise<JanusConnection>): LazyJanusConnection {
  let current: Promise<JanusConnection> | undefined;
  let closedForGood = false;
  const eventListeners: ((event: JanusMessage) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  return {
    get() {
      if (closedForGood)
        return Promise.reject(new JanusError("closed", "the Janus client was closed", "connect"));
      if (!current) {
        const opening = open().then((connection) => {
          for (const listener of eventListeners) connection.onEvent(listener);
          connection.onClose(() => {
            if (current === opening) current = undefined;
            for (const listener of closeListeners) listener();
          });
          return connection;
        });
        opening.catch(() => {
          if (current === opening) current = undefined;
        });
        current = opening;
      }
      return current;
    },
    onEvent: (listener) => void eventListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close() {
      closedForGood = true;
      void current?.then(
        (c) => c.close(),
        () => undefined,
      );
      current = undefined;
    },
  };
}
