import { browser, type MediaStream } from "./browser-dom.ts";
import { DtmfDetector, type HeardTone } from "./dtmf-detector.ts";

/**
 * Listens to a received audio stream for DTMF tones: the browser plays RFC 4733 telephone-events
 * out as tone pairs (libwebrtc's NetEq), which {@link DtmfDetector} recognises through Web Audio.
 * Returns the function that stops listening.
 */
export function listenForTones(stream: MediaStream, onTone: (tone: HeardTone) => void): () => void {
  const b = browser();
  const context = new b.AudioContext();
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(1024, 1, 1);
  const detector = new DtmfDetector(context.sampleRate, onTone);
  processor.onaudioprocess = (event) => detector.push(event.inputBuffer.getChannelData(0));
  // A processor runs only while connected to the output; the zero gain keeps the page silent.
  const silent = context.createGain();
  silent.gain.value = 0;
  source.connect(processor);
  processor.connect(silent);
  silent.connect(context.destination);
  void context.resume().catch(() => undefined);
  return () => {
    processor.onaudioprocess = null;
    source.disconnect();
    void context.close().catch(() => undefined);
  };
}
