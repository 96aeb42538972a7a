import sdpTransform, { type SessionDescription } from "sdp-transform";
import { EngineError } from "./engine-error.ts";

/** Upper bound for one SDP body in bytes; real offers with audio and video stay below 16 KiB. */
export const MAX_SDP_BYTES = 64 * 1024;

const LINE = /^[a-z]=/;
const MEDIA_LINE = /^m=(audio|video|text|application|message|image) (\d+)(?:\/\d+)? (\S+)((?: \S+)+)$/;
const ORIGIN_LINE = /^o=\S+ \d+ \d+ IN IP[46] \S+$/;
const CONNECTION_LINE = /^c=IN IP[46] \S+$/;

/**
 * Checks that a body is an SDP session description (RFC 4566 / RFC 8866 §5) before anything acts on
 * it, and returns it parsed. sdp-transform parses any text without complaint, so the structure is
 * checked here: "An SDP description consists of a session-level section followed by zero or more
 * media descriptions ... Some lines in each description are required and some are optional, but
 * all MUST appear in exactly the order given here" (v=, o=, s=, ..., t=). An offer or answer that
 * carries no m= line negotiates no media, so at least one is required.
 *
 * @throws EngineError `invalid_sdp` naming the first problem found.
 */
export function validateSdp(sdp: string): SessionDescription {
  const invalid = (why: string): never => {
    throw new EngineError("invalid_sdp", `invalid SDP: ${why}`);
  };
  if (typeof sdp !== "string" || sdp.trim() === "") return invalid("the body is empty");
  if (Buffer.byteLength(sdp, "utf8") > MAX_SDP_BYTES)
    invalid(`the body is larger than ${MAX_SDP_BYTES} bytes`);
  const lines = sdp.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    if (!LINE.test(line)) invalid(`line ${i + 1} is not of the form <type>=<value>`);
  });
  // RFC 8866 §5: "v=0" first, then o= and s=, in this order.
  if (lines[0] !== "v=0") invalid('the first line must be "v=0"');
  if (!ORIGIN_LINE.test(lines[1] ?? "")) invalid("the second line must be an o= origin line");
  if (!/^s=./.test(lines[2] ?? "")) invalid("the third line must be a non-empty s= session name");
  const firstMedia = lines.findIndex((l) => l.startsWith("m="));
  if (firstMedia < 0) invalid("there is no m= media description");
  const session = lines.slice(0, firstMedia);
  if (!session.some((l) => /^t=\d+ \d+$/.test(l))) invalid("the session section has no t= timing line");
  const sessionConnection = session.some((l) => CONNECTION_LINE.test(l));
  for (const l of session)
    if (l.startsWith("c=") && !CONNECTION_LINE.test(l)) invalid(`malformed connection "${l}"`);

  let index = 0;
  for (let i = firstMedia; i < lines.length; ) {
    index += 1;
    const media = lines[i] as string;
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).startsWith("m=")) end += 1;
    const match = MEDIA_LINE.exec(media);
    if (!match) return invalid(`media description ${index} has a malformed m= line "${media}"`);
    if (Number(match[2]) > 65535) invalid(`media description ${index} has port ${match[2]} out of range`);
    const body = lines.slice(i + 1, end);
    for (const l of body)
      if (l.startsWith("c=") && !CONNECTION_LINE.test(l)) invalid(`malformed connection "${l}"`);
    // RFC 8866 §5.7: "A session description MUST contain either at least one 'c=' line in each media
    // description or a single 'c=' line at the session level."
    if (!sessionConnection && !body.some((l) => l.startsWith("c=")))
      invalid(`media description ${index} has no c= connection line and the session has none`);
    i = end;
  }
  const parsed = sdpTransform.parse(sdp);
  if (parsed.media.length === 0) invalid("there is no m= media description");
  return parsed;
}
