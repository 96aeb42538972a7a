import type { SpawnedGateway } from "../../../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../../../testing/test-gateway.ts";

/** A request to a spawned gateway as `phone`: the status and the parsed JSON body. */
export type GatewayApi = (
  method: string,
  path: string,
  phone: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** An API client of one spawned gateway process (tokens from its development issuer, cached per phone). */
export async function gatewayApi(gw: SpawnedGateway): Promise<GatewayApi> {
  const tokens = new Map<string, string>();
  return async (method, path, phone, body, headers = {}) => {
    const token = tokens.get(phone) ?? (await gw.token(phone, ALL_SCOPES));
    tokens.set(phone, token);
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** Polls `check` every 100 ms until it holds; throws naming `what` past `deadline` (epoch ms). */
export async function until(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
