import type { LazyJanusConnection } from "./janus-connection.ts";

/** One plugin handle Janus holds, as the Admin API lists it. */
export interface JanusHandleRef {
  readonly sessionId: number;
  readonly handleId: number;
  /** The `opaque_id` given at attach time ("" when none). */
  readonly opaqueId: string;
  /** The plugin's package name, e.g. `janus.plugin.nosip`. */
  readonly plugin: string;
}

/** The Admin API requests the Janus anchor uses (janus.c, "Admin API"). */
export interface JanusAdmin {
  /** Ids of every Janus API session (`list_sessions`). */
  sessions(): Promise<number[]>;
  /** Every handle of every session, with its opaque id (`list_handles` and `handle_info` each). */
  handles(): Promise<JanusHandleRef[]>;
  /** `handle_info` of one handle: the reply's `info` object. */
  handleInfo(sessionId: number, handleId: number): Promise<Record<string, unknown>>;
  /** `destroy_session`: detaches its handles (hanging up their PeerConnections) and removes it. */
  destroySession(sessionId: number): Promise<void>;
  close(): void;
}

const ids = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : [];

export function createJanusAdmin(connection: LazyJanusConnection): JanusAdmin {
  const ask = async (message: { janus: string } & Record<string, unknown>) =>
    (await connection.get()).request(message);
  const info = async (sessionId: number, handleId: number) => {
    const reply = await ask({ janus: "handle_info", session_id: sessionId, handle_id: handleId });
    const value = reply.info;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  };
  return {
    async sessions() {
      return ids((await ask({ janus: "list_sessions" })).sessions);
    },
    async handles() {
      const handles: JanusHandleRef[] = [];
      for (const sessionId of ids((await ask({ janus: "list_sessions" })).sessions)) {
        // A session can end between the two requests: it then has no handles to list.
        const listed = await ask({ janus: "list_handles", session_id: sessionId }).catch(() => undefined);
        for (const handleId of ids(listed?.handles)) {
          const i = await info(sessionId, handleId).catch(() => undefined);
          if (!i) continue;
          handles.push({
            sessionId,
            handleId,
            opaqueId: typeof i.opaque_id === "string" ? i.opaque_id : "",
            plugin: typeof i.plugin === "string" ? i.plugin : "",
          });
        }
      }
      return handles;
    },
    handleInfo: info,
    async destroySession(sessionId) {
      await ask({ janus: "destroy_session", session_id: sessionId });
    },
    close: () => connection.close(),
  };
}
