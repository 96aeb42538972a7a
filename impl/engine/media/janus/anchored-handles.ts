import { EngineError } from "../../engine-error.ts";
import type { JanusAdmin, JanusHandleRef } from "./janus-admin.ts";
import { NOSIP_PLUGIN } from "./janus-call.ts";
import { janusEngineError } from "./janus-engine-error.ts";

/**
 * The handles Janus holds, through its Admin API (network_unreachable without one): `all` of them,
 * and `ours`, the NoSIP handles whose opaque id carries the prefix, with their media session ids.
 */
export function anchoredHandles(admin: JanusAdmin | undefined, prefix: string) {
  const all = async (): Promise<JanusHandleRef[]> => {
    if (!admin)
      throw new EngineError(
        "network_unreachable",
        "media anchor: no Janus Admin API configured (JANUS_ADMIN_WS)",
      );
    return admin.handles().catch((error: unknown) => {
      throw janusEngineError(error, "list");
    });
  };
  const ours = async () =>
    (await all())
      .filter((h) => h.plugin === NOSIP_PLUGIN && h.opaqueId.startsWith(prefix))
      .map((h) => ({ ...h, mediaSessionId: h.opaqueId.slice(prefix.length) }));
  return { all, ours };
}
