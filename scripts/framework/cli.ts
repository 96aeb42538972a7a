#!/usr/bin/env -S node --import tsx
/**
 * `camara-webrtc`: the CAMARA WebRTC framework's command line.
 *
 *   camara-webrtc init <dir> --release r2.2 [--apis webrtc-registration,webrtc-events]
 *   camara-webrtc generate                      (in a project: api-definitions/ → generated/)
 *   camara-webrtc update --from <release folder> --release r3.1-rc.1
 *   camara-webrtc diff <old> <new>              camara-webrtc lint [files...]
 *
 * Exit codes: 0 done; 1 the work failed (a release that does not generate, a breaking diff, a lint
 * error); 2 a usage error. Errors are one sentence, never a stack trace.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { runDiffCli } from "../spec/diff/diff-cli.ts";
import { runLintCli } from "../spec/lint/lint-cli.ts";
import { initProject } from "./init/init-project.ts";
import { generateProject } from "./project/generate-project.ts";
import { projectLayout } from "./project/project-layout.ts";
import { updateProject } from "./update/update-project.ts";
import { UsageError } from "./usage-error.ts";

function list(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

const program = new Command("camara-webrtc").description(
  "Contract-first framework for the CAMARA WebRTC APIs: scaffold a gateway, regenerate its contract, carry it to a new release",
);

program
  .command("init")
  .description("make a new TypeScript gateway project implementing a CAMARA release")
  .argument("<dir>", "the new project's folder (new or empty)")
  .requiredOption("--release <name>", "the CAMARA release to implement, e.g. r2.2 or r3.1-rc.1")
  .option("--apis <names>", "only these APIs of the release (comma-separated; default all)", list)
  .action(async (dir: string, opts: { release: string; apis?: string[] }) => {
    const { files } = await initProject({
      dir,
      release: opts.release,
      ...(opts.apis ? { apis: opts.apis } : {}),
    });
    console.log(`Created ${dir} (${opts.release}): ${files.join(", ")}, api-definitions/ and generated/.`);
    console.log(`Next: cd ${dir} && npm install && npm test`);
  });

program
  .command("generate")
  .description("regenerate generated/ from api-definitions/ in a project")
  .option("--dir <dir>", "the project's folder", ".")
  .action(async (opts: { dir: string }) => {
    const result = await generateProject(projectLayout(opts.dir));
    const ops = result.manifests.reduce((n, m) => n + m.operations.length, 0);
    console.log(
      `generated ${result.files.size} files for ${result.manifests.length} APIs (${ops} operations)`,
    );
  });

program
  .command("update")
  .description(
    "vendor a new CAMARA release into a project, carry its overlays, regenerate, report the changes",
  )
  .requiredOption("--from <dir>", "folder with the CAMARA release (API_definitions/ directly or under code/)")
  .requiredOption("--release <name>", "the release's name, e.g. r3.1-rc.1")
  .option("--dir <dir>", "the project's folder", ".")
  .option("--repository <url>", "source repository (provenance)", "https://github.com/camaraproject/WebRTC")
  .option("--tag <tag>", "source tag (default: the release name)")
  .option("--commit <sha>", "source commit (provenance)", "unknown")
  .action(
    async (opts: {
      from: string;
      release: string;
      dir: string;
      repository: string;
      tag?: string;
      commit: string;
    }) => {
      process.exitCode = await updateProject({
        ...opts,
        tag: opts.tag ?? opts.release,
        print: (line) => console.log(line),
      });
    },
  );

program
  .command("diff")
  .description("the breaking-change report between two versions of an API (see camara-webrtc diff --help)")
  .helpOption(false)
  .allowUnknownOption()
  .argument("[args...]")
  .action(async (args: string[]) => {
    process.exitCode = await runDiffCli(args);
  });

program
  .command("lint")
  .description("lint OpenAPI specs with the CAMARA ruleset (see camara-webrtc lint --help)")
  .helpOption(false)
  .allowUnknownOption()
  .argument("[args...]")
  .action(async (args: string[]) => {
    // In a project, the default files are its own release's; elsewhere the framework's.
    const project = projectLayout(".");
    const definitions = existsSync(join(project.definitions, "apis.json")) ? project.definitions : undefined;
    process.exitCode = await runLintCli(args, undefined, definitions);
  });

try {
  await program.parseAsync();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`camara-webrtc: ${message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
