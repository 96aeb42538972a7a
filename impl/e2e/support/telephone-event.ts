/**
 * RFC 4733 §2.3 telephone-event payload: event (8 bits), E (end) bit, R bit, volume (6 bits),
 * duration (16 bits, in timestamp units since the event's start).
 */
export interface TelephoneEvent {
  /** §3.2: 0-9 are the digits, 10 is *, 11 is #, 12-15 are A-D. */
  readonly event: number;
  readonly end: boolean;
  /** Power level in -dBm0 (0-63). */
  readonly volume: number;
  readonly duration: number;
}

const KEYS = "0123456789*#ABCD";

/** The RFC 4733 §3.2 event code of a DTMF key. */
export function eventOfDigit(digit: string): number {
  const code = KEYS.indexOf(digit.toUpperCase());
  if (code < 0 || digit.length !== 1) throw new Error(`no DTMF event for ${JSON.stringify(digit)}`);
  return code;
}

/** The key of an RFC 4733 §3.2 DTMF event code, or undefined for other events. */
export const digitOfEvent = (event: number): string | undefined => KEYS[event];

/** Decodes a telephone-event payload; undefined when it is not one (RFC 4733 §2.3: 4 bytes per event). */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4 || payload.length % 4 !== 0) return undefined;
  const [event, flags, high, low] = payload as unknown as [number, number, number, number];
  return { event, end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: (high << 8) | low };
}

export function encodeTelephoneEvent(e: TelephoneEvent): Buffer {
  return Buffer.from([
    e.event,
    (e.end ? 0x80 : 0) | (e.volume & 0x3f),
    (e.duration >> 8) & 0xff,
    e.duration & 0xff,
  ]);
}
