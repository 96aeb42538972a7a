import { Grammar } from "../sip-core.ts";

/** A caller identity as the device is told of it: a URI (sip:, sips: or tel:) and a display name. */
export interface NameAddr {
  readonly uri: { readonly user?: string | undefined; toString(): string };
  readonly displayName?: string | undefined;
}

const TEL = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<tel:([^>;]+)[^>]*>\s*(?:;.*)?$/i;

/**
 * The asserted identity of P-Asserted-Identity header values (RFC 3325 §9.1):
 *   PAssertedID = "P-Asserted-Identity" HCOLON PAssertedID-value *(COMMA PAssertedID-value)
 *   PAssertedID-value = name-addr / addr-spec
 * at most one sip/sips and one tel URI. The first parsable value wins; sip.js's core has no rule for
 * the header (its parseHeader drops it), so each value is parsed as a name-addr here.
 */
export function assertedIdentity(values: readonly string[]): NameAddr | undefined {
  for (const value of values)
    for (const part of splitTopLevel(value)) {
      const tel = TEL.exec(part);
      if (tel?.[3]) {
        const number = tel[3].trim();
        return {
          uri: { user: number, toString: () => `tel:${number}` },
          displayName: (tel[1] ?? tel[2] ?? "").trim() || undefined,
        };
      }
      // An addr-spec is read as the name-addr that holds it (sip.js parses only the latter).
      const parsed = Grammar.nameAddrHeaderParse(part.includes("<") ? part.trim() : `<${part.trim()}>`);
      if (parsed?.uri) return { uri: parsed.uri, displayName: parsed.displayName || undefined };
    }
  return undefined;
}

/** Splits a header value at the commas that separate values (not those inside quotes or <>). */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") depth++;
    else if (!quoted && c === ">") depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ",") {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.filter((part) => part.trim() !== "");
}
