#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:diff -- <old> <new> [--format text|json]`: the breaking-change report between two
 * versions of an API (YAML or JSON). Exit code 1 when any change is breaking, 0 when none is, 2 on
 * bad usage or an unreadable file.
 */
import { runDiffCli } from "./spec/diff/diff-cli.ts";

process.exitCode = await runDiffCli(process.argv.slice(2));
