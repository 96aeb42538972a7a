/**
 * SIPp's message trace (`-trace_msg`) read back per call: each traced message is a block opened by a
 * line of dashes and a timestamp, then "TCP message received [n] bytes :" or "TCP message sent (n
 * bytes):", then the message as it went over the wire.
 */
export interface SippMessage {
  /** True for what SIPp sent, false for what it received. */
  readonly sent: boolean;
  /** The request line or status line. */
  readonly startLine: string;
  readonly callId: string;
  /** The first value of a header (case-insensitive name), if present. */
  header(name: string): string | undefined;
  readonly body: string;
}

/** The traced messages, grouped by Call-ID in trace order. */
export function sippCalls(trace: string): Map<string, SippMessage[]> {
  const calls = new Map<string, SippMessage[]>();
  for (const block of trace.split(/^-{20,}.*$/m)) {
    const opening = /^\S+ message (received|sent)\b[^\n]*:[ \t]*$/m.exec(block);
    if (!opening) continue;
    const text = block
      .slice(opening.index + opening[0].length)
      .replace(/^\s+/, "")
      .replaceAll("\r\n", "\n");
    const split = text.indexOf("\n\n");
    const head = (split < 0 ? text : text.slice(0, split)).split("\n");
    const body = split < 0 ? "" : text.slice(split + 2);
    const header = (name: string) => {
      const wanted = name.toLowerCase();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted)
          return line.slice(colon + 1).trim();
      }
      return undefined;
    };
    const callId = header("Call-ID") ?? header("i");
    if (!callId) continue;
    const message: SippMessage = {
      sent: opening[1] === "sent",
      startLine: head[0] ?? "",
      callId,
      header,
      body,
    };
    const list = calls.get(callId) ?? [];
    list.push(message);
    calls.set(callId, list);
  }
  return calls;
}

/** The port of a `<sip:user@host:port…>` Contact value, if it names one. */
export const contactPort = (contact: string | undefined) => {
  const port = /@[^:;>\s]+:(\d+)/.exec(contact ?? "")?.[1];
  return port === undefined ? undefined : Number(port);
};
