/** How a change affects existing API consumers. */
export type ChangeClass = "breaking" | "non-breaking" | "informational";

/** One difference between two versions of an API. */
export interface Change {
  readonly class: ChangeClass;
  /** A stable identifier of the kind of change, e.g. `operation-removed`, `request-enum-narrowed`. */
  readonly kind: string;
  /** The operation or part of the document (`DELETE /subscriptions/{subscriptionId}`, `servers`). */
  readonly location: string;
  readonly message: string;
}

/** Which way data flows through a schema: what the client sends, or what it receives. */
export type Direction = "request" | "response";

/**
 * Classes of a change that narrows or widens the set of values a schema accepts. A client sends
 * requests (narrowing them rejects what it sends) and reads responses (widening them sends it
 * values it does not expect).
 */
export const NARROWED: Record<Direction, ChangeClass> = { request: "breaking", response: "non-breaking" };
export const WIDENED: Record<Direction, ChangeClass> = { request: "non-breaking", response: "breaking" };

export const CLASS_ORDER: readonly ChangeClass[] = ["breaking", "non-breaking", "informational"];
