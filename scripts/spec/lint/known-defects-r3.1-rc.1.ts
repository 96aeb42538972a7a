import type { KnownDefect } from "./known-defects.ts";

/** The r3.1-rc.1 defects (see api-definitions/overlays/r3.1-rc.1/ and the README's table). */
export const KNOWN_DEFECTS_R3_1_RC_1: readonly KnownDefect[] = [];
