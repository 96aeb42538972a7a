import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ApiError } from "../errors/api-error.ts";
import { exceedsDepth } from "../validation/json-depth.ts";

export interface JsonBodyOptions {
  /** Largest body read, bytes (HTTP_BODY_LIMIT_BYTES). */
  readonly limitBytes: number;
  /** Deepest nesting of objects and arrays accepted; the top-level value is level 1 (HTTP_BODY_MAX_DEPTH). */
  readonly maxDepth: number;
}

const JSON_TYPES = ["application/json", "application/*+json"];
const UNSUPPORTED = "The request body must be UTF-8 encoded application/json without a Content-Encoding.";
const NOT_JSON = "The request body is not a valid JSON object.";

/** RFC 9112 §6.3: a request has content when it declares a length or a transfer coding. */
function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] !== undefined;
}

/**
 * Sends `100 Continue` to a client waiting for it (RFC 9110 §10.1.1 "Expect: 100-continue") before
 * its body is read. Servers made by createHttpServer leave it to the app; elsewhere Node has sent it.
 */
export function continueIfExpected(req: Request, res: Response): void {
  if (/^100-continue$/i.test(req.headers.expect ?? "") && !res.headersSent) res.writeContinue();
}

/** RFC 8259 §8.1: JSON exchanged between systems "MUST be encoded using UTF-8". */
function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
}

/** The body as JSON: empty is `{}` (as body-parser has it), otherwise an object or an array. */
function parse(bytes: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw ApiError.invalidArgument("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") return {};
  if (!/^\s*[{[]/.test(text)) throw ApiError.invalidArgument(NOT_JSON);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ApiError.invalidArgument(NOT_JSON);
  }
}

/**
 * Reads a JSON request body into `req.body`, refusing (400 INVALID_ARGUMENT) one larger than the
 * limit or nested deeper than allowed. Unlike body-parser, a refused body is not read to its end: a
 * declared Content-Length over the limit is refused before any byte is read, a chunked body as soon
 * as it passes the limit, and the error middleware then closes the connection (error-middleware.ts).
 * A client that expects `100 Continue` gets it here, after authentication and these checks.
 * Content codings (gzip, …) are refused with 415: a small compressed body can inflate to any size.
 * Other media types pass untouched; the validator answers them with 415.
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const tooLarge = () =>
    ApiError.invalidArgument(`The request body is larger than ${options.limitBytes} bytes.`);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req) || !req.is(JSON_TYPES)) {
      next();
      return;
    }
    const charset = charsetOf(req.headers["content-type"] ?? "");
    const coding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if ((charset !== undefined && charset !== "utf-8" && charset !== "utf8") || coding !== "identity") {
      next(new ApiError("UNSUPPORTED_MEDIA_TYPE", UNSUPPORTED));
      return;
    }
    if (Number(req.headers["content-length"] ?? 0) > options.limitBytes) {
      next(tooLarge());
      return;
    }

    continueIfExpected(req, res);
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error !== undefined) {
        // Stop reading: the rest of the body stays unread and the connection is closed after the answer.
        req.pause();
        next(error);
        return;
      }
      try {
        const body = parse(Buffer.concat(chunks, received));
        if (exceedsDepth(body, options.maxDepth))
          throw ApiError.invalidArgument(
            `The request body is nested deeper than ${options.maxDepth} levels.`,
          );
        req.body = body;
        next();
      } catch (parseError) {
        next(parseError);
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.limitBytes) settle(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = () => settle(ApiError.invalidArgument("The request body ended before it was complete."));
    const onClose = () => {
      if (!req.complete) onError();
    };
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  };
}
