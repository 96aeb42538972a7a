import pg from "pg";

export interface PostgresListenerOptions {
  readonly url: string;
  /** A fixed identifier (NOTIFY channel), e.g. `camara_outbox`. */
  readonly channel: string;
  readonly onNotify: (payload: string) => void;
  /**
   * The listening connection was re-established after a loss: notifications sent meanwhile were
   * missed, so the listener catches up by reading the tables.
   */
  readonly onReconnect: () => void;
  readonly onError?: (error: Error) => void;
  /** Wait before reconnecting, ms; default 1000. */
  readonly retryMs?: number;
}

/**
 * LISTEN on a connection of its own, kept open: "NOTIFY ... sends a notification event together
 * with an optional payload string to each client application that has previously executed LISTEN
 * channel" — delivered between transactions, once the notifying one committed (PostgreSQL docs, NOTIFY).
 */
export function listenPostgres(options: PostgresListenerOptions) {
  const retryMs = options.retryMs ?? 1000;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let connectedOnce = false;

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    c.on("notification", (m) => {
      if (m.channel === options.channel) options.onNotify(m.payload ?? "");
    });
    const broken = (error: Error) => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      options.onError?.(error);
      retry();
    };
    c.on("error", broken);
    c.on("end", () => broken(new Error(`the LISTEN ${options.channel} connection ended`)));
    client = c;
    await c.connect();
    await c.query(`LISTEN ${options.channel}`);
    if (connectedOnce) options.onReconnect();
    connectedOnce = true;
  }

  function retry() {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch((error: Error) => {
        if (client) client.end().catch(() => undefined);
        client = undefined;
        options.onError?.(error);
        retry();
      });
    }, retryMs);
    timer.unref();
  }

  const ready = connect();
  ready.catch(() => {
    client = undefined;
    connectedOnce = true; // the first connection failed: what it missed is caught up on reconnect
    retry();
  });
  return {
    /** Resolves once listening the first time (rejects if that first attempt failed; retries go on). */
    ready,
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

export type PostgresListener = ReturnType<typeof listenPostgres>;
