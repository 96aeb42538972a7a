import type { ResourceKind } from "../config/target-config.ts";

/** What a scenario has said about one path parameter. */
export type PathParam =
  | { readonly kind: "value"; readonly value: string }
  /** "is not included": the template segment expands to nothing (RFC 6570 §2.3, undefined variable). */
  | { readonly kind: "omitted" }
  /** "is valid" / "set by default to an existing …": created through the API when the request is sent. */
  | { readonly kind: "existing"; readonly resource: ResourceKind };

/** What a scenario has said about the request body. */
export type BodySetting =
  | { readonly kind: "none" }
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "raw"; readonly text: string }
  /** "a valid request body": the Background default, or one generated for the operation when sent. */
  | { readonly kind: "valid" }
  /** "not compliant with the schema": generated for the operation's request schema when sent. */
  | { readonly kind: "nonCompliant"; readonly pointer?: string };

/** A change to a body property (JSONPath), applied when the request is sent. */
export type BodyPatch =
  | { readonly path: string; readonly op: "set"; readonly value: unknown }
  | { readonly path: string; readonly op: "remove" };

/**
 * The request a scenario is building, step by step: headers in the order and case the scenario
 * set them, path and query parameters, and the body. Nothing is resolved until the request is sent,
 * so that `Given` steps may come in any order.
 */
export class RequestDraft {
  /** Lower-case name → [name as written, value]. */
  readonly headers = new Map<string, [string, string]>();
  readonly pathParams = new Map<string, PathParam>();
  readonly queryParams = new Map<string, string>();
  /** The Background's "set by default to a request body compliant with …". */
  defaultBody: unknown;
  body: BodySetting | undefined;
  readonly patches: BodyPatch[] = [];

  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), [name, value]);
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[1];
  }

  /** The headers to send, keyed by the names the scenario used. */
  headerRecord(): Record<string, string> {
    return Object.fromEntries([...this.headers.values()]);
  }
}
