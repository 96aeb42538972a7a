#!/usr/bin/env node
// `camara-conformance` as installed from its package (`npm run conformance:pack`). The suite runs
// as TypeScript, and cucumber imports the step files by path, so tsx's loader is registered in this
// process before the CLI loads; it is resolved from this package, wherever the caller stands
// (`node --import tsx` would resolve it from the caller's folder).
import { register } from "tsx/esm/api";

register();
await import("../cli.ts");
