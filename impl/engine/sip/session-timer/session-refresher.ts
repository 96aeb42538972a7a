import { expireAfterMs, refreshAfterMs, type SessionExpires } from "./session-timer.ts";

/** What the session timer of one dialog asks of its call leg. */
export interface SessionRefreshHost {
  /** Time to refresh: send a session refresh request (UPDATE or re-INVITE). */
  refresh(): void;
  /** No refresh arrived in time: end the session. */
  expired(): void;
}

/**
 * The running session timer of one confirmed dialog (RFC 4028 §10): whoever is the refresher
 * refreshes at half the interval; the other side ends the session shortly before the interval runs
 * out if no refresh came. Every successful refresh, in either direction, restarts it.
 */
export class SessionRefresher {
  /** The negotiated interval, seconds, and whether this side refreshes; undefined when no timer runs. */
  interval: { readonly deltaSec: number; readonly weRefresh: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The largest Min-SE a 422 asked for (RFC 4028 §7.4); our requests carry at least this. */
  private peerMinSeSec = 0;

  /**
   * @param scale multiplies every delay (default 1). A test hook that compresses time so a refresh
   *   can be watched on the wire within seconds; the headers keep the negotiated values.
   */
  constructor(
    private readonly host: SessionRefreshHost,
    private readonly scale = 1,
  ) {}

  /**
   * A 2xx settled the interval (RFC 4028 §7.2 for the UAC, §9 for the UAS). `role` is this side's
   * role in the transaction that carried it; `refresher` names a role in that transaction.
   */
  negotiated(se: SessionExpires | undefined, role: "uac" | "uas"): void {
    this.stop();
    if (!se) {
      // RFC 4028 §7.2: "If the 2xx response did not contain a Session-Expires header field, there is
      // no session expiration."
      this.interval = undefined;
      return;
    }
    this.interval = { deltaSec: se.deltaSec, weRefresh: (se.refresher ?? "uac") === role };
    this.arm();
  }

  /** The headers a refresh or media-change request carries while a timer runs (RFC 4028 §7.4). */
  requestHeaders(minSeSec: number): string[] {
    const interval = this.interval;
    if (!interval) return [];
    return [
      `Session-Expires: ${interval.deltaSec};refresher=${interval.weRefresh ? "uac" : "uas"}`,
      `Min-SE: ${Math.max(minSeSec, this.peerMinSeSec)}`,
    ];
  }

  /** The peer asked for a longer interval (422 to our refresh, RFC 4028 §7.4). */
  raiseTo(minSeSec: number): void {
    this.peerMinSeSec = Math.max(this.peerMinSeSec, minSeSec);
    if (this.interval && this.interval.deltaSec < minSeSec)
      this.interval = { ...this.interval, deltaSec: minSeSec };
  }

  /** Starts the current interval again (a refresh went through without changing it). */
  restart(): void {
    this.stop();
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const interval = this.interval;
    if (!interval) return;
    const fire = interval.weRefresh ? () => this.host.refresh() : () => this.host.expired();
    const ms = interval.weRefresh ? refreshAfterMs(interval.deltaSec) : expireAfterMs(interval.deltaSec);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fire();
    }, ms * this.scale);
    this.timer.unref();
  }
}
