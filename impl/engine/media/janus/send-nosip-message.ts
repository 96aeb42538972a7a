import type { JanusMessage, LazyJanusConnection } from "./janus-connection.ts";
import { pluginError } from "./janus-engine-error.ts";
import type { NosipRequest } from "./nosip-request.ts";

/** Sends a NoSIP request on a call's handle and awaits its event: the reply, and the plugin's error if it reports one. */
export async function sendNosipMessage(
  api: LazyJanusConnection,
  handle: { readonly sessionId: number; readonly handleId: number },
  request: NosipRequest,
): Promise<{ reply: JanusMessage; failure: unknown }> {
  const reply = await (await api.get()).request(
    {
      janus: "message",
      session_id: handle.sessionId,
      handle_id: handle.handleId,
      body: request.body,
      ...(request.jsep ? { jsep: request.jsep } : {}),
    },
    { awaitEvent: true },
  );
  const data = ((reply.plugindata as { data?: Record<string, unknown> } | undefined)?.data ?? {}) as Record<
    string,
    unknown
  >;
  return { reply, failure: pluginError(data, request.body.request) };
}
