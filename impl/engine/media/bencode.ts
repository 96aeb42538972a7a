/**
 * Bencode, the dictionary format of rtpengine's ng control protocol.
 *
 * "Bencoding supports a subset of the features of JSON (dictionaries/hashes, lists/arrays,
 * arbitrary byte strings)" (rtpengine, docs/ng_control_protocol.md). Byte strings are decoded as
 * UTF-8 text because everything the ng protocol carries (SDP, tags, flags) is text; integers are
 * JavaScript numbers (rtpengine's counters stay far below 2^53).
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#bencoding
 */
export type BencodeValue = string | number | BencodeValue[] | BencodeDict;
export interface BencodeDict {
  [key: string]: BencodeValue;
}

/** Why a byte sequence is not valid bencode. */
export class BencodeError extends Error {
  override readonly name = "BencodeError";
}

/**
 * Encodes a value. Dictionary keys are written in sorted order as the format requires; `undefined`
 * members are left out so that optional ng parameters can be spread in without filtering.
 */
export function bencode(value: BencodeValue | undefined): Buffer {
  const parts: Buffer[] = [];
  const write = (v: BencodeValue): void => {
    if (typeof v === "string") {
      const bytes = Buffer.from(v, "utf8");
      parts.push(Buffer.from(`${bytes.length}:`), bytes);
    } else if (typeof v === "number") {
      if (!Number.isSafeInteger(v))
        throw new BencodeError(`bencode integers must be safe integers, got ${v}`);
      parts.push(Buffer.from(`i${v}e`));
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from("l"));
      for (const item of v) write(item);
      parts.push(Buffer.from("e"));
    } else {
      parts.push(Buffer.from("d"));
      for (const key of Object.keys(v).sort()) {
        const item = v[key];
        if (item === undefined) continue;
        write(key);
        write(item);
      }
      parts.push(Buffer.from("e"));
    }
  };
  if (value === undefined) throw new BencodeError("nothing to encode");
  write(value);
  return Buffer.concat(parts);
}

const ZERO = 0x30;
const NINE = 0x39;

/** Decodes exactly one value that must span the whole input. */
export function bdecode(input: Buffer): BencodeValue {
  let pos = 0;
  const fail = (why: string): never => {
    throw new BencodeError(`invalid bencode at byte ${pos}: ${why}`);
  };
  const readInteger = (terminator: number): number => {
    const end = input.indexOf(terminator, pos);
    if (end < 0) fail("unterminated integer");
    const text = input.toString("latin1", pos, end);
    // BEP 3: "i-0e is invalid. All encodings with a leading zero, such as i03e, are invalid".
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) fail(`malformed integer "${text}"`);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) fail(`integer out of range "${text}"`);
    pos = end + 1;
    return value;
  };
  const read = (depth: number): BencodeValue => {
    if (depth > 64) fail("nesting too deep");
    const byte = input[pos];
    if (byte === undefined) return fail("unexpected end of input");
    if (byte === 0x69 /* i */) {
      pos += 1;
      return readInteger(0x65 /* e */);
    }
    if (byte === 0x6c /* l */) {
      pos += 1;
      const list: BencodeValue[] = [];
      while (input[pos] !== 0x65) list.push(read(depth + 1));
      pos += 1;
      return list;
    }
    if (byte === 0x64 /* d */) {
      pos += 1;
      const dict: BencodeDict = {};
      while (input[pos] !== 0x65) {
        const key = read(depth + 1);
        if (typeof key !== "string") fail("dictionary key is not a string");
        // defineProperty, not assignment: a "__proto__" key from the wire stays a plain member.
        Object.defineProperty(dict, key as string, {
          value: read(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      pos += 1;
      return dict;
    }
    if (byte >= ZERO && byte <= NINE) {
      const length = readInteger(0x3a /* : */);
      if (pos + length > input.length) fail("string runs past the end of input");
      const text = input.toString("utf8", pos, pos + length);
      pos += length;
      return text;
    }
    return fail(`unexpected byte 0x${byte.toString(16)}`);
  };
  const value = read(0);
  if (pos !== input.length) fail("trailing bytes after the value");
  return value;
}
