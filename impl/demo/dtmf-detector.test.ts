import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DtmfDetector, type HeardTone } from "./dtmf-detector.ts";

const RATE = 48_000;
const PAIRS: Record<string, [number, number]> = {
  "1": [697, 1209],
  "5": [770, 1336],
  "9": [852, 1477],
  "#": [941, 1477],
  "0": [941, 1336],
  D: [941, 1633],
};

const tone = (freqs: readonly number[], ms: number, amplitude = 0.2) =>
  Array.from({ length: (RATE * ms) / 1000 }, (_, i) =>
    freqs.reduce((sum, f) => sum + amplitude * Math.sin((2 * Math.PI * f * i) / RATE), 0),
  );
const silence = (ms: number) => new Array<number>((RATE * ms) / 1000).fill(0);

function hear(samples: number[]): HeardTone[] {
  const heard: HeardTone[] = [];
  const detector = new DtmfDetector(RATE, (t) => heard.push(t));
  // In chunks of 1024 samples, as a ScriptProcessorNode delivers them.
  for (let i = 0; i < samples.length; i += 1024) detector.push(samples.slice(i, i + 1024));
  return heard;
}

describe("DtmfDetector (Goertzel, ITU-T Q.23 tone pairs)", () => {
  it("hears four digits in order with their durations (within one 20 ms block)", () => {
    const audio = [
      ...silence(50),
      ...tone(PAIRS["1"] as [number, number], 160),
      ...silence(80),
      ...tone(PAIRS["5"] as [number, number], 120),
      ...silence(80),
      ...tone(PAIRS["9"] as [number, number], 200),
      ...silence(80),
      ...tone(PAIRS["#"] as [number, number], 100),
      ...silence(100),
    ];
    const heard = hear(audio);
    assert.deepEqual(
      heard.map((t) => t.digit),
      ["1", "5", "9", "#"],
    );
    for (const [i, want] of [160, 120, 200, 100].entries())
      assert.ok(
        Math.abs((heard[i]?.durationMs ?? 0) - want) <= 20,
        `${heard[i]?.durationMs} ms for ${want} ms`,
      );
  });

  it("tells neighbouring keys apart (0 and D share the row, 5 and 0 the column)", () => {
    const audio = [
      ...tone(PAIRS["0"] as [number, number], 100),
      ...silence(60),
      ...tone(PAIRS.D as [number, number], 100),
      ...silence(60),
    ];
    assert.deepEqual(
      hear(audio).map((t) => t.digit),
      ["0", "D"],
    );
  });

  it("keeps one tone across a 20 ms dropout (a concealed packet), and tells two presses 40 ms apart", () => {
    const one = PAIRS["1"] as [number, number];
    const audio = [
      ...tone(one, 100),
      ...silence(20),
      ...tone(one, 100),
      ...silence(60),
      ...tone(one, 100),
      ...silence(60),
    ];
    const heard = hear(audio);
    assert.deepEqual(
      heard.map((t) => t.digit),
      ["1", "1"],
    );
    assert.ok(Math.abs((heard[0]?.durationMs ?? 0) - 220) <= 20, `${heard[0]?.durationMs} ms for 220 ms`);
  });

  const nothing: [string, number[]][] = [
    ["silence", silence(500)],
    ["a single 1 kHz tone (a beep)", tone([1000], 500)],
    ["one DTMF frequency alone", tone([770], 500)],
    ["a chord of three tones", tone([440, 554, 659], 500)],
    ["a key press shorter than two blocks", [...tone(PAIRS["1"] as [number, number], 25), ...silence(100)]],
  ];
  for (const [name, audio] of nothing)
    it(`hears no digit in ${name}`, () => assert.deepEqual(hear(audio), []));
});
