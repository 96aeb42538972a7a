import { JSONPath } from "jsonpath-plus";

/** One action of an OpenAPI Overlay 1.0 document. */
export interface OverlayAction {
  target: string;
  description?: string;
  update?: unknown;
  remove?: boolean;
}

/** An OpenAPI Overlay 1.0 document. @see https://spec.openapis.org/overlay/v1.0.0 */
export interface OverlayDocument {
  overlay: string;
  info: { title: string; version: string };
  actions: OverlayAction[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Overlay 1.0 §4.4.3: "The properties of the update object MUST be compatible with the target object
 * ... properties are recursively merged"; arrays are concatenated.
 */
function merge(target: unknown, update: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(update)) return [...target, ...structuredClone(update)];
  if (!isObject(target) || !isObject(update)) return structuredClone(update);
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(update)) {
    out[key] = key in out ? merge(out[key], value) : structuredClone(value);
  }
  return out;
}

interface Match {
  parent: Record<string, unknown> | unknown[];
  parentProperty: string | number;
}

/**
 * Applies an overlay to a copy of `document` and returns the copy. An action whose target matches
 * nothing is an error: a stale overlay must be noticed, not silently skipped.
 */
export function applyOverlay(document: unknown, overlay: OverlayDocument, overlayName: string): unknown {
  if (!/^1\.0\.\d+$/.test(String(overlay.overlay))) {
    throw new Error(
      `${overlayName}: unsupported overlay version ${String(overlay.overlay)} (expected 1.0.x)`,
    );
  }
  const root = { $: structuredClone(document) };
  for (const [index, action] of overlay.actions.entries()) {
    const matches = JSONPath({
      path: action.target,
      json: root.$ as object,
      resultType: "all",
    }) as Match[];
    if (matches.length === 0) {
      throw new Error(`${overlayName}: action ${index} target ${action.target} matches nothing in the spec`);
    }
    // Reverse order keeps earlier array indices valid while later siblings are removed.
    for (const match of [...matches].reverse()) {
      const parent = (match.parent ?? root) as Record<string | number, unknown>;
      const key = match.parent === null ? "$" : match.parentProperty;
      if (action.remove === true) {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (action.update !== undefined) {
        parent[key] = merge(parent[key], action.update);
      } else {
        throw new Error(`${overlayName}: action ${index} has neither update nor remove: true`);
      }
    }
  }
  return root.$;
}
