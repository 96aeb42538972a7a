/** An upstream defect of a vendored release that the linter must find. */
export interface KnownDefect {
  readonly title: string;
  /** What is wrong, and why it matters (one or two sentences). */
  readonly detail: string;
  readonly rule: string;
  /** The file the defect is in, by name (`webrtc-events.yaml`, `.feature` for any feature file). */
  readonly file: string;
  /** Findings whose JSON pointer starts with this (spec defects), or whose message matches. */
  readonly pointer?: string;
  readonly message?: RegExp;
}
