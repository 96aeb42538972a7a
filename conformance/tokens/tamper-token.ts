/**
 * An access token that a correct gateway must refuse: for a JWS compact serialisation (RFC 7515
 * §7.1) the first signature byte is flipped, so that header and claims still parse and only the
 * signature check can catch it; an opaque token gets its last character changed.
 */
export function tamperToken(token: string): string {
  const parts = token.split(".");
  if (parts.length === 3 && parts[2]) {
    const signature = Buffer.from(parts[2], "base64url");
    signature[0] = (signature[0] ?? 0) ^ 0xff;
    return `${parts[0]}.${parts[1]}.${signature.toString("base64url")}`;
  }
  if (token === "") return "tampered";
  const last = token.at(-1);
  return `${token.slice(0, -1)}${last === "A" ? "B" : "A"}`;
}
