/**
 * What the mutating proxy learns from the gateway's true answers, whatever fault is active: who
 * created which resource, with which token, what it looked like, what was deleted. Stateful faults
 * (a deleted subscription kept in the list, another subscriber's resource answered) read it.
 */
export interface ProxyState {
  /** Subscriber phone number → an Authorization header that worked for that subscriber. */
  readonly authByPhone: Map<string, string>;
  /** Resource id → the Authorization header that created it. */
  readonly ownerAuth: Map<string, string>;
  /** Resource id → its latest body as the gateway answered it. */
  readonly bodies: Map<string, Record<string, unknown>>;
  /** Deleted subscription id → its last body and its owner's phone number. */
  readonly deletedSubscriptions: Map<string, { body: Record<string, unknown>; phone: string | undefined }>;
  /** Registration id → expiresAt as created. */
  readonly createdExpiry: Map<string, string>;
}

export function createProxyState(): ProxyState {
  return {
    authByPhone: new Map(),
    ownerAuth: new Map(),
    bodies: new Map(),
    deletedSubscriptions: new Map(),
    createdExpiry: new Map(),
  };
}

/** The `phone_number` claim of a bearer JWT, read without verifying (the gateway verified it). */
export function phoneOf(authorization: string | undefined): string | undefined {
  const payload = /^Bearer\s+[^.]+\.([^.]+)\./i.exec(authorization ?? "")?.[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      phone_number?: unknown;
    };
    return typeof claims.phone_number === "string" ? claims.phone_number : undefined;
  } catch {
    return undefined;
  }
}

const ID_PROPERTIES = ["registrationId", "mediaSessionId", "id"] as const;

/** The id a resource body carries (registrationId, mediaSessionId or a subscription's id). */
export function idOf(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  for (const key of ID_PROPERTIES) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === "string") return value;
  }
  return undefined;
}

/** The last path segment when the path addresses a resource by id. */
export function idInPath(path: string): string | undefined {
  const m = /\/(?:sessions|subscriptions)\/([^/?]+)/.exec(path);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

/** Learns from one true exchange (before any fault changes it). */
export function learn(
  state: ProxyState,
  method: string,
  path: string,
  authorization: string | undefined,
  status: number,
  json: unknown,
): void {
  const phone = phoneOf(authorization);
  if (status >= 200 && status < 300 && authorization && phone) state.authByPhone.set(phone, authorization);
  const pathId = idInPath(path);
  if (method === "POST" && (status === 201 || status === 200) && !pathId) {
    const id = idOf(json);
    if (id && authorization) {
      state.ownerAuth.set(id, authorization);
      state.bodies.set(id, json as Record<string, unknown>);
      const expiresAt = (json as Record<string, unknown>).expiresAt;
      if (path.includes("/webrtc-registration/") && typeof expiresAt === "string")
        state.createdExpiry.set(id, expiresAt);
    }
  }
  if (method === "GET" && status === 200 && pathId && idOf(json) === pathId)
    state.bodies.set(pathId, json as Record<string, unknown>);
  if (method === "DELETE" && status >= 200 && status < 300 && pathId && path.includes("/subscriptions/")) {
    const body = state.bodies.get(pathId);
    if (body) state.deletedSubscriptions.set(pathId, { body, phone });
  }
}
