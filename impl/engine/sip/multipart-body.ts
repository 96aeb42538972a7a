import { randomBytes } from "node:crypto";

/** One body part of a `multipart` SIP body: its MIME header fields (without Content-Length) and content. */
export interface BodyPart {
  readonly contentType: string;
  /** Further part header fields, e.g. `Content-ID: <…>`, `Content-Disposition: …`. */
  readonly headers?: readonly string[];
  readonly content: string;
}

/**
 * A `multipart/mixed` body (RFC 5621 §4, RFC 2046 §5.1.1) of `parts`, with a boundary found in none
 * of them. RFC 2046 §5.1.1: "The boundary delimiter MUST occur at the beginning of a line" and "the
 * CRLF preceding the boundary delimiter line is conceptually attached to the boundary".
 */
export function multipartMixed(
  parts: readonly BodyPart[],
  boundary = `camara-${randomBytes(9).toString("base64url")}`,
): { contentType: string; content: string } {
  if (parts.some((part) => part.content.includes(`--${boundary}`)))
    return multipartMixed(parts, `camara-${randomBytes(12).toString("base64url")}`);
  const lines: string[] = [];
  for (const part of parts)
    lines.push(
      `--${boundary}`,
      `Content-Type: ${part.contentType}`,
      ...(part.headers ?? []),
      "",
      part.content,
    );
  return {
    contentType: `multipart/mixed;boundary=${boundary}`,
    content: `${lines.join("\r\n")}\r\n--${boundary}--\r\n`,
  };
}

/**
 * The parts of a `multipart/*` body given its Content-Type, or undefined when it is not multipart or
 * its boundary never opens a part (RFC 2046 §5.1.1: preamble and epilogue are ignored). Part header
 * names are matched case-insensitively; a part without Content-Type is `text/plain` (RFC 2045 §5.2).
 */
export function bodyParts(contentType: string, body: string): BodyPart[] | undefined {
  if (!/^\s*multipart\//i.test(contentType)) return undefined;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter) return undefined;
  const chunks = `\r\n${body}`.split(`\r\n--${delimiter}`);
  const parts: BodyPart[] = [];
  // chunks[0] is the preamble; a chunk starting with "--" is the close delimiter's (then the epilogue).
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith("--")) return parts;
    const text = chunk.replace(/^[ \t]*\r\n/, "");
    const end = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const headers = end === 0 ? [] : text.slice(0, end).split(/\r\n(?![ \t])/);
    const content = text.slice(end === 0 ? 2 : end + 4);
    const type = headers.find((h) => /^content-type\s*:/i.test(h));
    parts.push({
      contentType: type ? type.slice(type.indexOf(":") + 1).trim() : "text/plain",
      headers: headers.filter((h) => h !== type),
      content,
    });
  }
  return undefined;
}

/**
 * The content of the first part of `type` (e.g. `application/sdp`) in a multipart body, looking
 * into nested multipart parts too (RFC 5621 §4.1: a multipart body part may itself be multipart).
 */
export function partOf(contentType: string, body: string, type: string): string | undefined {
  const wanted = type.toLowerCase();
  for (const part of bodyParts(contentType, body) ?? []) {
    if (part.contentType.split(";")[0]?.trim().toLowerCase() === wanted) return part.content;
    const nested = partOf(part.contentType, part.content, type);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
