import type { LazyJanusConnection } from "./janus-connection.ts";
import { janusEngineError } from "./janus-engine-error.ts";

/** The NoSIP plugin's package name (janus_nosip.c, JANUS_NOSIP_PACKAGE). */
export const NOSIP_PLUGIN = "janus.plugin.nosip";

/** A media session's Janus session and NoSIP handle. */
export interface JanusCall {
  /** Settles once the session is created and the handle attached. */
  readonly ready: Promise<{ sessionId: number; handleId: number }>;
  /** The Janus session id, once `create` answered. */
  readonly sessionId: number | undefined;
  /** Requests on their way to Janus. */
  inFlight: number;
  /** The call was deleted while a request was in flight: its session is destroyed once it settles. */
  released: boolean;
  /** Janus accepted an SDP for it. */
  anchored: boolean;
}

/** Creates a media session's Janus session and attaches its NoSIP handle (opaque id `<prefix><mediaSessionId>`). */
export function openJanusCall(api: LazyJanusConnection, prefix: string, mediaSessionId: string): JanusCall {
  const state = { sessionId: undefined as number | undefined };
  const ready = (async () => {
    const connection = await api.get();
    const created = await connection.request({ janus: "create" });
    const sessionId = Number((created.data as { id?: number } | undefined)?.id);
    state.sessionId = sessionId;
    const attached = await connection
      .request({
        janus: "attach",
        session_id: sessionId,
        plugin: NOSIP_PLUGIN,
        opaque_id: `${prefix}${mediaSessionId}`,
      })
      .catch(async (error: unknown) => {
        await connection.request({ janus: "destroy", session_id: sessionId }).catch(() => undefined);
        throw error;
      });
    return { sessionId, handleId: Number((attached.data as { id?: number } | undefined)?.id) };
  })();
  // Failures surface through the exchange that awaits `ready`.
  ready.catch(() => undefined);
  return {
    ready,
    get sessionId() {
      return state.sessionId;
    },
    inFlight: 0,
    released: false,
    anchored: false,
  };
}

/**
 * Takes over a session an earlier run of the gateway created (a call it carries on after a restart):
 * Janus keeps a session whose transport is gone for its `reclaim_session_timeout`, and `claim` moves
 * it to this connection, with its NoSIP handle and PeerConnection.
 *
 * @see https://janus.conf.meetecho.com/docs/rest.html ("claim": reconnect to an existing session)
 */
export function claimJanusCall(api: LazyJanusConnection, sessionId: number, handleId: number): JanusCall {
  const ready = (async () => {
    await (await api.get()).request({ janus: "claim", session_id: sessionId });
    return { sessionId, handleId };
  })();
  ready.catch(() => undefined);
  return { ready, sessionId, inFlight: 0, released: false, anchored: true };
}

/** Destroys a call's Janus session; never throws. `unknownIsFine`: Janus not knowing it is no failure. */
export async function destroyJanusCall(
  api: LazyJanusConnection,
  onDeleteError: ((error: Error, id: string) => void) | undefined,
  call: JanusCall,
  id: string,
  unknownIsFine = false,
): Promise<void> {
  const ready = await call.ready.catch(() => undefined);
  if (!ready) return;
  try {
    await (await api.get()).request({ janus: "destroy", session_id: ready.sessionId });
  } catch (error) {
    const mapped = janusEngineError(error, "delete");
    if (!(unknownIsFine || mapped.failure === "unknown_session")) onDeleteError?.(mapped, id);
  }
}
