import { join, resolve } from "node:path";

/** Where things live in a project made by `camara-webrtc init` (and in nothing else). */
export interface ProjectLayout {
  readonly root: string;
  /** api-definitions/: apis.json, camara/<release>/, overlays/<release>/. */
  readonly definitions: string;
  /** generated/: the generator's output, never edited by hand. */
  readonly generated: string;
  /** src/handlers/: one module per API, written by the implementer. */
  readonly handlers: string;
}

export function projectLayout(root: string): ProjectLayout {
  const abs = resolve(root);
  return {
    root: abs,
    definitions: join(abs, "api-definitions"),
    generated: join(abs, "generated"),
    handlers: join(abs, "src", "handlers"),
  };
}
