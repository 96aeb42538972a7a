/** One SIP message from a SIPp `-trace_msg` file. */
export interface TracedMessage {
  readonly direction: "received" | "sent";
  /** Request-Line or Status-Line. */
  readonly startLine: string;
  /** The value of the first header with this name (case-insensitive), if any. */
  header(name: string): string | undefined;
  /** Every value of a header (case-insensitive), in order, e.g. each Via of a proxied request. */
  headers(name: string): string[];
  readonly body: string;
}

/**
 * Parses SIPp's message trace (scripts/lab/sipp.ts writes it with -trace_msg) so that a test can
 * assert what crossed the wire beyond the scenario's own regexp checks, e.g. that two requests
 * share a tag.
 */
export function sippTrace(log: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  for (const block of log.split(/^-{10,} .*$/m)) {
    const head = /^\s*\w+ message (received|sent)[^\n]*\n\n/.exec(block);
    if (!head) continue;
    const text = block.slice(head[0].length).replace(/\r\n/g, "\n");
    const split = text.indexOf("\n\n");
    const lines = (split === -1 ? text : text.slice(0, split)).split("\n");
    const headers = lines.slice(1).map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
    });
    out.push({
      direction: head[1] as "received" | "sent",
      startLine: lines[0] ?? "",
      header: (name) => headers.find(([n]) => n === name.toLowerCase())?.[1],
      headers: (name) => headers.filter(([n]) => n === name.toLowerCase()).map(([, value]) => value),
      body: split === -1 ? "" : text.slice(split + 2).trim(),
    });
  }
  return out;
}

/** The requests of one method that SIPp received, in order. */
export function receivedRequests(log: string, method: string): TracedMessage[] {
  return sippTrace(log).filter((m) => m.direction === "received" && m.startLine.startsWith(`${method} `));
}
