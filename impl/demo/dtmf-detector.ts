/** A DTMF digit heard in audio: which key, and how long its tone pair lasted, in milliseconds. */
export interface HeardTone {
  readonly digit: string;
  readonly durationMs: number;
}

// ITU-T Q.23: the low (row) and high (column) frequencies of the 16 keys.
const LOW = [697, 770, 852, 941] as const;
const HIGH = [1209, 1336, 1477, 1633] as const;
const KEYS = ["123A", "456B", "789C", "*0#D"] as const;

/**
 * Analysis block, milliseconds: 50 Hz resolution, so the nearest other row (73 Hz away) falls
 * outside the main lobe; a 40 ms tone (Q.24's shortest) still fills at least one whole block.
 */
const BLOCK_MS = 20;

/**
 * Recognises DTMF tone pairs in a stream of audio samples (the tones a receiver plays out for
 * RFC 4733 telephone-events) with the Goertzel algorithm, one {@link BLOCK_MS} block at a time. A
 * block holds a digit when its strongest row and column frequencies together carry most of the
 * block's energy and each stands well above the other candidates of its group; consecutive blocks of
 * the same digit make one tone (one block without it in between included), reported when it ends.
 */
export class DtmfDetector {
  private readonly blockSize: number;
  private readonly block: number[] = [];
  /** The tone under way: its blocks so far, and whether the last block lacked it (0 or 1). */
  private current: { digit: string; blocks: number; gap: number } | undefined;

  constructor(
    readonly sampleRate: number,
    private readonly onTone: (tone: HeardTone) => void,
  ) {
    this.blockSize = Math.round((sampleRate * BLOCK_MS) / 1000);
  }

  /** Feeds samples (-1..1) in order. */
  push(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) {
      this.block.push(samples[i] as number);
      if (this.block.length === this.blockSize) {
        this.step(digitOf(this.block, this.sampleRate));
        this.block.length = 0;
      }
    }
  }

  private step(digit: string | undefined): void {
    const current = this.current;
    if (current && digit === current.digit) {
      // A lone dropout inside a tone (a concealed packet) belongs to it.
      current.blocks += 1 + current.gap;
      current.gap = 0;
      return;
    }
    if (current && digit === undefined && current.gap === 0) {
      current.gap = 1;
      return;
    }
    // Q.24 pauses last at least 40 ms: two blocks without the tone, or another digit, end it.
    // A lone block is a transition or noise rather than a key press.
    if (current && current.blocks >= 2)
      this.onTone({ digit: current.digit, durationMs: current.blocks * BLOCK_MS });
    this.current = digit === undefined ? undefined : { digit, blocks: 1, gap: 0 };
  }
}

/** The digit whose tone pair dominates the block, if one does. */
function digitOf(block: readonly number[], sampleRate: number): string | undefined {
  let energy = 0;
  for (const s of block) energy += s * s;
  if (energy / block.length < 1e-5) return undefined; // silence (below about -50 dBFS)
  const low = LOW.map((f) => goertzel(block, f, sampleRate));
  const high = HIGH.map((f) => goertzel(block, f, sampleRate));
  const row = strongest(low);
  const col = strongest(high);
  if (row === undefined || col === undefined) return undefined;
  // Goertzel power of a full-scale sine is (N/2)^2 · A^2 / 2 · 2 / N ≈ N·A²/2 per unit energy: the
  // pair must hold most of the block's energy (speech and single tones do not).
  const pair = ((low[row] as number) + (high[col] as number)) / (block.length / 2);
  if (pair < 0.6 * energy) return undefined;
  return KEYS[row]?.[col];
}

/** Index of the value at least 4 times (6 dB) above every other, or undefined. */
function strongest(powers: readonly number[]): number | undefined {
  let best = 0;
  for (let i = 1; i < powers.length; i++) if ((powers[i] as number) > (powers[best] as number)) best = i;
  const top = powers[best] as number;
  return powers.every((p, i) => i === best || p * 4 < top) ? best : undefined;
}

/** Goertzel power of `frequency` in the block. */
function goertzel(block: readonly number[], frequency: number, sampleRate: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (const x of block) {
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}
