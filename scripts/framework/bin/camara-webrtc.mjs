#!/usr/bin/env node
// `camara-webrtc` as installed from its package (`npm run framework:pack`): the generator runs as
// TypeScript through tsx's loader, registered here and resolved from this package.
import { register } from "tsx/esm/api";

register();
await import("../cli.ts");
