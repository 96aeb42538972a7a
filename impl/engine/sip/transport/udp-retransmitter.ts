/**
 * Request retransmission over UDP, which the sip.js transactions (written for reliable transports)
 * leave to the transport.
 *
 * RFC 3261 §17.1.1.2: "For any implementation, Timer A MUST be set … to a value of T1 … When timer A
 * fires, the client transaction MUST retransmit the request … and reset the timer with a value of
 * 2*T1." Retransmission of an INVITE stops at the first response. §17.1.2.2 (non-INVITE, Timer E):
 * the interval doubles up to T2 and becomes T2 after a provisional response; a final response ends
 * it. Both give up after 64*T1 (Timers B and F, which sip.js runs itself).
 */
export class UdpRetransmitter {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; interval: number; started: number }>();
  private readonly t2Ms: number;

  constructor(
    private readonly t1Ms: number,
    private readonly resend: (raw: string) => void,
  ) {
    this.t2Ms = t1Ms * 8;
  }

  track(branch: string, method: string, raw: string): void {
    const key = `${branch} ${method}`;
    this.stop(key);
    const started = Date.now();
    const entry = { timer: undefined as unknown as NodeJS.Timeout, interval: this.t1Ms, started };
    const fire = () => {
      if (Date.now() - started >= 64 * this.t1Ms) {
        this.pending.delete(key);
        return;
      }
      this.resend(raw);
      entry.interval = method === "INVITE" ? entry.interval * 2 : Math.min(entry.interval * 2, this.t2Ms);
      entry.timer = setTimeout(fire, entry.interval);
      entry.timer.unref();
    };
    entry.timer = setTimeout(fire, entry.interval);
    entry.timer.unref();
    this.pending.set(key, entry);
  }

  /** A response arrived for the request with this branch and CSeq method. */
  response(branch: string, method: string, statusCode: number): void {
    const key = `${branch} ${method}`;
    const entry = this.pending.get(key);
    if (!entry) return;
    if (method !== "INVITE" && statusCode < 200) {
      // Timer E after a provisional response: keep retransmitting, every T2.
      entry.interval = this.t2Ms;
      return;
    }
    this.stop(key);
  }

  clear(): void {
    for (const key of [...this.pending.keys()]) this.stop(key);
  }

  private stop(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(key);
  }
}
