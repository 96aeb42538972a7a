import type { JanusAdmin, JanusHandleRef } from "../janus-admin.ts";
import {
  type JanusConnection,
  JanusError,
  type JanusMessage,
  type LazyJanusConnection,
} from "../janus-connection.ts";

/** What the fake NoSIP plugin answers a `message`: an event's plugin data and JSEP, or a Janus error. */
export type FakeNosipReply =
  | { readonly data: Record<string, unknown>; readonly jsep?: { type: string; sdp: string } }
  | { readonly error: JanusError };

/**
 * A Janus API and Admin API in memory, for unit tests of the anchor's protocol mapping: sessions,
 * NoSIP handles with their opaque ids, and a scripted plugin. Every request is recorded.
 */
export function fakeJanus(
  options: { nosip?: (body: Record<string, unknown>, jsep: unknown) => FakeNosipReply } = {},
) {
  const sent: JanusMessage[] = [];
  const sessions = new Map<number, Map<number, { opaqueId: string; plugin: string }>>();
  const eventListeners: ((event: JanusMessage) => void)[] = [];
  let nextId = 1000;
  /** Held `message` requests: resolve with `release()`. */
  let gate: Promise<void> | undefined;
  let release: () => void = () => undefined;

  const nosip =
    options.nosip ??
    ((body: Record<string, unknown>, jsep: unknown): FakeNosipReply => {
      if (body.request === "generate") {
        const j = jsep as { type: string; sdp: string };
        return {
          data: { nosip: "event", result: { event: "generated", type: j.type, sdp: `barebone ${j.type}` } },
        };
      }
      return {
        data: { nosip: "event", result: { event: "processed" } },
        jsep: { type: String(body.type), sdp: `webrtc ${String(body.type)}` },
      };
    });

  const connection: JanusConnection = {
    async request(message) {
      sent.push(message);
      const sessionId = message.session_id as number;
      switch (message.janus) {
        case "create": {
          const id = nextId++;
          sessions.set(id, new Map());
          return { janus: "success", data: { id } };
        }
        case "attach": {
          const handles = sessions.get(sessionId);
          if (!handles) throw new JanusError("error", "No such session", "attach", 458);
          const id = nextId++;
          handles.set(id, { opaqueId: String(message.opaque_id ?? ""), plugin: String(message.plugin) });
          return { janus: "success", data: { id } };
        }
        case "message": {
          if (gate) await gate;
          if (!sessions.get(sessionId)?.has(message.handle_id as number))
            throw new JanusError("error", "No such handle", "message", 459);
          const reply = nosip(message.body as Record<string, unknown>, message.jsep);
          if ("error" in reply) throw reply.error;
          return {
            janus: "event",
            sender: message.handle_id,
            plugindata: { plugin: "janus.plugin.nosip", data: reply.data },
            ...(reply.jsep ? { jsep: reply.jsep } : {}),
          };
        }
        case "destroy":
          if (!sessions.delete(sessionId)) throw new JanusError("error", "No such session", "destroy", 458);
          return { janus: "success" };
        case "claim":
          if (!sessions.has(sessionId)) throw new JanusError("error", "No such session", "claim", 458);
          return { janus: "success", session_id: sessionId };
        case "keepalive":
          return { janus: "ack" };
        case "info":
          return { janus: "server_info", plugins: { "janus.plugin.nosip": {} } };
        default:
          throw new JanusError("error", `unknown request ${message.janus}`, message.janus, 453);
      }
    },
    onEvent: (listener) => void eventListeners.push(listener),
    onClose: () => undefined,
    closed: false,
    close: () => undefined,
  };

  const api: LazyJanusConnection = {
    get: async () => connection,
    onEvent: (listener) => void eventListeners.push(listener),
    onClose: () => undefined,
    close: () => undefined,
  };

  const handleInfo: Record<string, Record<string, unknown>> = {};
  const admin: JanusAdmin = {
    sessions: async () => [...sessions.keys()],
    async handles() {
      const list: JanusHandleRef[] = [];
      for (const [sessionId, handles] of sessions)
        for (const [handleId, h] of handles) list.push({ sessionId, handleId, ...h });
      return list;
    },
    handleInfo: async (sessionId, handleId) => {
      const h = sessions.get(sessionId)?.get(handleId);
      if (!h) throw new JanusError("error", "No such handle", "handle_info", 459);
      return { opaque_id: h.opaqueId, plugin: h.plugin, ...(handleInfo[h.opaqueId] ?? {}) };
    },
    async destroySession(sessionId) {
      sent.push({ janus: "destroy_session", session_id: sessionId });
      if (!sessions.delete(sessionId))
        throw new JanusError("error", "No such session", "destroy_session", 458);
    },
    close: () => undefined,
  };

  return {
    api,
    admin,
    sent,
    sessions,
    /** Extra `handle_info` fields by opaque id (e.g. `webrtc`, `plugin_specific`). */
    handleInfo,
    /** Leaves a session with a NoSIP handle, as another process (or an earlier run) would. */
    leave(opaqueId: string, plugin = "janus.plugin.nosip"): number {
      const id = nextId++;
      sessions.set(id, new Map([[nextId++, { opaqueId, plugin }]]));
      return id;
    },
    /** Holds every `message` until the returned function is called. */
    hold(): () => void {
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return () => release();
    },
    emit(event: JanusMessage) {
      for (const listener of eventListeners) listener(event);
    },
    verbs: () =>
      sent.map((m) =>
        m.janus === "message" ? `message:${(m.body as { request: string }).request}` : m.janus,
      ),
  };
}
