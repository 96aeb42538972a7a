#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:lint -- [files...] [--format text|json|sarif] [--output file] [--effective]`:
 * lints OpenAPI specs with the CAMARA ruleset (scripts/spec/camara-ruleset.yaml) and cross-checks
 * Test_definitions features against them. Exit code 1 when any finding is an error, 2 on bad usage.
 */
import { runLintCli } from "./spec/lint/lint-cli.ts";

process.exitCode = await runLintCli(process.argv.slice(2));
