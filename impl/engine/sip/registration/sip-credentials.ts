import { readFileSync } from "node:fs";

/** SIP digest credentials of one subscriber (RFC 3261 §22). */
export interface SipCredentials {
  readonly username: string;
  readonly password: string;
}

/** Finds the credentials of a phone number (E.164, `+` included). */
export type CredentialLookup = (phoneNumber: string) => SipCredentials | undefined;

/**
 * Reads a credentials file: JSON, an object keyed by E.164 number whose values are either the
 * password (username = the number) or `{ "username": …, "password": … }`.
 *
 * @example {"+34600000001": "secret", "+34600000002": {"username": "bob", "password": "pw"}}
 */
export function readCredentialsFile(file: string): Map<string, SipCredentials> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`SIP credentials file ${file} is not readable JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`SIP credentials file ${file} must hold an object keyed by phone number.`);
  const result = new Map<string, SipCredentials>();
  for (const [number, value] of Object.entries(parsed)) {
    if (!/^\+[1-9][0-9]{4,14}$/.test(number))
      throw new Error(`SIP credentials file ${file}: ${number} is not an E.164 number like +34600000001.`);
    if (typeof value === "string") result.set(number, { username: number, password: value });
    else if (
      typeof value === "object" &&
      value !== null &&
      typeof (value as SipCredentials).username === "string" &&
      typeof (value as SipCredentials).password === "string"
    )
      result.set(number, {
        username: (value as SipCredentials).username,
        password: (value as SipCredentials).password,
      });
    else throw new Error(`SIP credentials file ${file}: the entry for ${number} needs a password.`);
  }
  return result;
}
