import type { ResourceKind, TokenProfile } from "../config/target-config.ts";

/** What the checks remember of one resource a scenario created. */
export interface TrackedResource {
  readonly kind: ResourceKind;
  readonly id: string;
  /** Whose token created it; `undefined` when the scenario's own token is not a known profile. */
  readonly profile: TokenProfile | undefined;
  /** Field path → the value every later read must show (canonical JSON). */
  readonly reference: Map<string, string>;
  /** The subscription's requested config.subscriptionExpireTime, epoch ms. */
  requestedExpiryMs: number | undefined;
  /** The latest expiresAt seen, epoch ms, and its text. */
  expiresAt: { readonly ms: number; readonly text: string } | undefined;
  deleted: boolean;
}

/** The resources of one scenario, by id. */
export class ResourceLedger {
  private readonly byId = new Map<string, TrackedResource>();

  add(resource: TrackedResource): void {
    this.byId.set(resource.id, resource);
  }

  get(id: string): TrackedResource | undefined {
    return this.byId.get(id);
  }

  all(): TrackedResource[] {
    return [...this.byId.values()];
  }
}

/** JSON with sorted keys, so that equal values compare equal as text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** `a.b.c` of a JSON object, or undefined. */
export function field(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
