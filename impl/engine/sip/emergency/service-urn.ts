import { URI } from "../sip-core.ts";

/**
 * A service URN (RFC 5031 §3) as a Request-URI and To URI, e.g. `urn:service:sos`. sip.js writes
 * any non-SIP scheme as `scheme://host` (urn://service:sos), which is not a URN: this URI writes,
 * and clones to, the URN itself.
 */
export class ServiceUrn extends URI {
  constructor(readonly service: string) {
    super("urn", "", `service:${service}`);
  }

  override toString(): string {
    return `urn:service:${this.service}`;
  }

  override toRaw(): string {
    return this.toString();
  }

  override clone(): ServiceUrn {
    return new ServiceUrn(this.service);
  }
}

/** RFC 5031 §4.2: "sos" — "emergency services that affect the public safety of a person or property". */
export const SOS = new ServiceUrn("sos");
