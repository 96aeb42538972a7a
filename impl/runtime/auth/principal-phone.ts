import { ApiError } from "../errors/api-error.ts";
import type { RequestContext } from "../request-context.ts";

/**
 * The subscriber's phone number from the access token. Every WebRTC resource belongs to a phone
 * number, so a token without one cannot act on any of them.
 */
export function requirePhoneNumber(ctx: RequestContext): string {
  const phone = ctx.principal.phoneNumber;
  if (!phone) {
    throw new ApiError(
      "INVALID_TOKEN_CONTEXT",
      "The access token does not identify a subscriber phone number.",
    );
  }
  return phone;
}

/** `+34600000001` → `tel:+34600000001`. */
export function telUri(phoneNumber: string): string {
  return `tel:${phoneNumber}`;
}

/** Whether a CAMARA Address (tel: or sip: URI) designates `phoneNumber`. */
export function addressMatchesPhone(address: string, phoneNumber: string): boolean {
  if (address.startsWith("tel:")) return address.slice(4) === phoneNumber;
  const user = /^sip:([^@]+)@/.exec(address)?.[1];
  return user === phoneNumber;
}
