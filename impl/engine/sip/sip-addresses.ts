import { URI } from "./sip-core.ts";

/**
 * CAMARA addresses (`tel:+34600000001`, or a SIP URI) and SIP URIs, both ways. A telephone number
 * becomes `sip:+number@domain;user=phone` (RFC 3261 §19.1.6).
 */
export function sipUriFromAddress(address: string, domain: string): URI {
  const tel = /^tel:(\+?[0-9][0-9\-.()]*)/i.exec(address);
  if (tel?.[1]) return new URI("sip", tel[1].replace(/[-.()]/g, ""), domain, undefined, { user: "phone" });
  const sip = /^sips?:(?:([^@;]+)@)?([^;:>]+)(?::(\d+))?/i.exec(address);
  if (sip?.[2]) return new URI("sip", sip[1] ?? "", sip[2], sip[3] ? Number(sip[3]) : undefined);
  // A bare number is taken as a telephone number.
  return new URI("sip", address, domain, undefined, { user: "phone" });
}

/** The E.164 number a SIP URI names, if it names one (user=phone, or a user part like +34…). */
export function phoneFromUri(uri: { user?: string | undefined }): string | undefined {
  const user = uri.user;
  return user && /^\+[1-9][0-9]{4,14}$/.test(user) ? user : undefined;
}

/** The CAMARA address for a SIP URI: `tel:` for a telephone number, else the SIP URI itself. */
export function addressFromUri(uri: {
  user?: string | undefined;
  host?: string;
  toString(): string;
}): string {
  const phone = phoneFromUri(uri);
  return phone ? `tel:${phone}` : uri.toString();
}
