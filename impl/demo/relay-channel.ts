import { type BrowserWebSocket, browser } from "./browser-dom.ts";

/** What the relay hands the device for its webrtc-events subscriptions. */
export interface RelaySink {
  readonly channelId: string;
  readonly sink: string;
  readonly sinkCredential: unknown;
}

/** A CloudEvent as the gateway posts it, reduced to what the softphone reads. */
export interface CloudEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown> & { mediaSessionId?: string; status?: string };
}

/** WebSocket path of the gateway's notification relay (impl/relay). */
export const RELAY_SOCKET_PATH = "/relay/v0/socket";

/**
 * The browser end of the notification relay: a WebSocket to the gateway, opened with the access
 * token (browsers cannot set headers on WebSockets); the first reply names the https sink URL and
 * the sink credential to subscribe with, then every event posted there arrives in order.
 */
export function openRelayChannel(
  origin: string,
  accessToken: string,
  onEvent: (event: CloudEvent) => void,
  onClose: (reason: string) => void = () => undefined,
): Promise<RelaySink & { close(): void }> {
  const url = `${origin.replace(/^http/, "ws")}${RELAY_SOCKET_PATH}`;
  const socket: BrowserWebSocket = new (browser().WebSocket)(url);
  return new Promise((resolve, reject) => {
    let ready = false;
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "open", accessToken })));
    socket.addEventListener("error", () => {
      if (!ready) reject(new Error(`the notification relay at ${url} is unreachable`));
    });
    socket.addEventListener("close", (event) => {
      const why = `relay closed ${String((event as { code?: number }).code ?? "")}`;
      if (!ready) reject(new Error(why));
      else onClose(why);
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        type: string;
        channelId?: string;
        sink?: string;
        sinkCredential?: unknown;
        event?: CloudEvent;
      };
      if (message.type === "channel" && message.channelId && message.sink) {
        ready = true;
        resolve({
          channelId: message.channelId,
          sink: message.sink,
          sinkCredential: message.sinkCredential,
          close: () => socket.close(),
        });
      } else if (message.type === "event" && message.event) {
        onEvent(message.event);
      }
    });
  });
}
