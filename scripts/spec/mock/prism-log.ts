/** A request/response violation Prism logged. */
export interface PrismViolation {
  readonly severity: "error" | "warning" | "info";
  /** `request.body`, `request.header`, `response.body`, … */
  readonly location: string;
  readonly message: string;
  /** `POST /webrtc-registration/v0.3/sessions`: the request Prism was handling, when known. */
  readonly request?: string;
}

export type PrismEvent =
  | { readonly type: "listening"; readonly url: string }
  | { readonly type: "request"; readonly request: string }
  | { readonly type: "violation"; readonly violation: PrismViolation };

const LISTENING = /Prism is listening on (\S+)/;
const REQUEST = /\[HTTP SERVER\]\s+(\w+)\s+(\S+)\s+\S+\s+info\s+Request received/;
const VIOLATION = /\[VALIDATOR\]\s+\S+\s+(error|warning|info)\s+Violation:\s+(\S+)\s+(.*)$/;

/**
 * Reads one line of Prism's log (its pretty format, without colours). `current` is the request
 * last seen, which the violations that follow belong to (Prism logs them after "Request
 * received"; concurrent requests may interleave).
 */
export function parsePrismLine(line: string, current?: string): PrismEvent | null {
  const listening = LISTENING.exec(line);
  if (listening?.[1]) return { type: "listening", url: listening[1] };
  const request = REQUEST.exec(line);
  if (request?.[1] && request[2])
    return { type: "request", request: `${request[1].toUpperCase()} ${request[2]}` };
  const violation = VIOLATION.exec(line);
  if (violation?.[1] && violation[2] && violation[3] !== undefined) {
    return {
      type: "violation",
      violation: {
        severity: violation[1] as PrismViolation["severity"],
        location: violation[2],
        message: violation[3].trim(),
        ...(current ? { request: current } : {}),
      },
    };
  }
  return null;
}

/** `VIOLATION error request.body POST /path: message`: how spec:proxy prints a violation. */
export function formatViolation(v: PrismViolation): string {
  return `VIOLATION ${v.severity} ${v.location}${v.request ? ` ${v.request}` : ""}: ${v.message}`;
}
