/**
 * Splits a SIP byte stream (TCP, TLS) into messages.
 *
 * RFC 3261 §18.3: "In the case of stream-oriented transports such as TCP, the Content-Length header
 * field indicates the size of the body. All stream-oriented transports MUST use Content-Length."
 * RFC 5626 §4.4.1 keep-alives (a double CRLF "ping", a single CRLF "pong") between messages are
 * reported separately so the flow can answer them.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Largest message accepted, bytes; a peer that exceeds it is broken or hostile. */
  constructor(private readonly maxMessageBytes = 65_535) {}

  /**
   * Adds received bytes and returns every complete message they finish, in order, plus the number
   * of CRLF keep-alive pings seen. Throws when a message is malformed beyond recovery.
   */
  push(chunk: Buffer): { messages: string[]; pings: number } {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: string[] = [];
    let pings = 0;
    for (;;) {
      // Leading CRLFs are keep-alives, not part of a message (RFC 3261 §7.5 allows ignoring them).
      let start = 0;
      while (
        start + 1 < this.buffer.length &&
        this.buffer[start] === 0x0d &&
        this.buffer[start + 1] === 0x0a
      ) {
        start += 2;
        if (start % 4 === 0) pings += 1;
      }
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) {
        if (this.buffer.length > this.maxMessageBytes) throw new Error("SIP header section too large");
        break;
      }
      const head = this.buffer.subarray(0, headerEnd).toString("latin1");
      const match = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(head);
      if (!match?.[1]) throw new Error("SIP message on a stream without Content-Length");
      const bodyLength = Number(match[1]);
      const total = headerEnd + 4 + bodyLength;
      if (total > this.maxMessageBytes) throw new Error("SIP message too large");
      if (this.buffer.length < total) break;
      messages.push(this.buffer.subarray(0, total).toString("utf8"));
      this.buffer = this.buffer.subarray(total);
    }
    return { messages, pings };
  }
}
