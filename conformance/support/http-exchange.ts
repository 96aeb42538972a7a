import { request } from "undici";

/** A request as the suite sends it: method, absolute URL, header list and raw body. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  /** Header name (as set by the scenario) → value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** A response as received; `json` is set when the body parses as JSON. */
export interface ReceivedResponse {
  readonly status: number;
  /** Lower-case header name → value (repeated headers joined with ", "). */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly json: unknown;
  readonly isJson: boolean;
}

export interface Exchange {
  readonly request: SentRequest;
  readonly response: ReceivedResponse;
}

/**
 * Sends one request exactly as described — a GET with a body, an empty path segment, a header
 * value with `{}` in it — without the normalisation `fetch` applies, and reads the whole response.
 * @param timeoutMs bound on waiting for the headers and for the body, each.
 */
export async function sendRequest(sent: SentRequest, timeoutMs: number): Promise<Exchange> {
  const response = await request(sent.url, {
    method: sent.method as never,
    headers: sent.headers,
    ...(sent.body !== undefined ? { body: sent.body } : {}),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  let json: unknown;
  let isJson = false;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text) as unknown;
      isJson = true;
    } catch {
      // not JSON: steps that need JSON say so
    }
  }
  return { request: sent, response: { status: response.statusCode, headers, text, json, isJson } };
}

/** `a; b` → the media type essence, lower-cased (RFC 9110 §8.3.1: parameters follow ";"). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
