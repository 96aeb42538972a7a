/**
 * Codec choice applied to an SDP offer before rtpengine rewrites it: only the configured codecs
 * cross the gateway, in the configured order of preference.
 *
 * The m= line's format list is the offerer's preference: "the first format in the list is the
 * preferred format" (RFC 8866 §5.14), so reordering it is how the gateway states its preference
 * to the answerer. Attributes of removed payload types (a=rtpmap, a=fmtp, a=rtcp-fb) go with them.
 * The rewrite is line-based so that every other line passes through byte for byte.
 */
export interface CodecPolicy {
  /** Audio codecs by encoding name (case-insensitive), most preferred first, e.g. `["opus", "PCMA"]`. */
  readonly audio: readonly string[];
  /** Video codecs by encoding name, most preferred first, e.g. `["VP8", "H264"]`. */
  readonly video: readonly string[];
  /** Keep RFC 4733 telephone-event payloads (DTMF) in audio sections. */
  readonly telephoneEvent: boolean;
}

/** What was kept and removed in one media section, by encoding name. */
export interface FilteredMedia {
  readonly type: string;
  readonly kept: readonly string[];
  readonly removed: readonly string[];
  /** True when none of the section's codecs is allowed and it was left unchanged. */
  readonly noCommonCodec: boolean;
}

// RFC 3551 §6, Table 4: static payload types whose a=rtpmap may be omitted.
const STATIC_PAYLOADS: Readonly<Record<string, string>> = {
  "0": "PCMU",
  "3": "GSM",
  "4": "G723",
  "5": "DVI4",
  "7": "LPC",
  "8": "PCMA",
  "9": "G722",
  "13": "CN",
  "15": "G728",
  "18": "G729",
  "26": "JPEG",
  "34": "H263",
};

const TELEPHONE_EVENT = "telephone-event";

/** Applies `policy` to the audio and video sections of `sdp`; other sections pass unchanged. */
export function filterCodecs(sdp: string, policy: CodecPolicy): { sdp: string; media: FilteredMedia[] } {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(/\r?\n/);
  const out: string[] = [];
  const media: FilteredMedia[] = [];
  let i = 0;
  while (i < lines.length && !lines[i]?.startsWith("m=")) out.push(lines[i++] as string);
  while (i < lines.length) {
    let end = i + 1;
    while (end < lines.length && !lines[end]?.startsWith("m=")) end += 1;
    const section = lines.slice(i, end);
    const result = filterSection(section, policy);
    out.push(...result.lines);
    if (result.media) media.push(result.media);
    i = end;
  }
  return { sdp: out.join(eol), media };
}

function filterSection(section: string[], policy: CodecPolicy): { lines: string[]; media?: FilteredMedia } {
  const [mline, ...rest] = section as [string, ...string[]];
  const parts = mline.split(" ");
  const type = (parts[0] ?? "").slice(2);
  const preference = type === "audio" ? policy.audio : type === "video" ? policy.video : undefined;
  if (!preference || parts.length < 4) return { lines: section };
  const payloads = parts.slice(3);
  const names = new Map<string, string>(payloads.map((pt) => [pt, STATIC_PAYLOADS[pt] ?? `#${pt}`]));
  for (const line of rest) {
    const m = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
    if (m?.[1] && names.has(m[1])) names.set(m[1], m[2] as string);
  }
  const rank = (name: string) => {
    const index = preference.findIndex((p) => p.toLowerCase() === name.toLowerCase());
    if (index >= 0) return index;
    if (type === "audio" && policy.telephoneEvent && name.toLowerCase() === TELEPHONE_EVENT)
      return preference.length;
    return -1;
  };
  const kept = payloads
    .map((pt, order) => ({ pt, order, rank: rank(names.get(pt) as string) }))
    .filter((p) => p.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  const hasCodec = kept.some((p) => (names.get(p.pt) as string).toLowerCase() !== TELEPHONE_EVENT);
  const nameOf = (pt: string) => names.get(pt) as string;
  if (!hasCodec) {
    return {
      lines: section,
      media: { type, kept: [], removed: [...new Set(payloads.map(nameOf))], noCommonCodec: true },
    };
  }
  const keep = new Set(kept.map((p) => p.pt));
  const removedPts = payloads.filter((pt) => !keep.has(pt));
  const dropped = new Set(removedPts);
  const lines = [
    [...parts.slice(0, 3), ...kept.map((p) => p.pt)].join(" "),
    ...rest.filter((line) => {
      const m = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)\s/.exec(line);
      return !(m?.[1] && dropped.has(m[1]));
    }),
  ];
  return {
    lines,
    media: {
      type,
      kept: [...new Set(kept.map((p) => nameOf(p.pt)))],
      removed: [...new Set(removedPts.map(nameOf))].filter((n) => !kept.some((p) => nameOf(p.pt) === n)),
      noCommonCodec: false,
    },
  };
}
