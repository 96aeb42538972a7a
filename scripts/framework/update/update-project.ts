import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleEffectiveSpec, type OpenApiDocument } from "../../codegen/effective-spec.ts";
import { type GenerateResult, generateAll } from "../../codegen/generate-all.ts";
import { discoverApis, type ReleaseConfig, readReleaseConfig } from "../../codegen/release-config.ts";
import { diffSpecs } from "../../spec/diff/diff-spec.ts";
import { formatChangesText } from "../../spec/diff/format-changes.ts";
import { releaseSummary } from "../../spec/release-summary.ts";
import { vendorRelease } from "../../spec/vendor-release.ts";
import { generateProject } from "../project/generate-project.ts";
import { projectLayout } from "../project/project-layout.ts";
import { UsageError } from "../usage-error.ts";
import { type ActionOutcome, carryOverlay } from "./carry-overlays.ts";

export interface UpdateOptions {
  readonly dir: string;
  readonly from: string;
  readonly release: string;
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  /** Where the report goes, line by line. */
  readonly print: (line: string) => void;
}

/** The new release's specs as vendored, bundled without overlays: what the change report compares. */
async function rawSpecs(
  definitionsDir: string,
  config: ReleaseConfig,
): Promise<Map<string, OpenApiDocument>> {
  const specs = new Map<string, OpenApiDocument>();
  for (const { release, apis } of config.releases) {
    for (const api of apis) {
      const source = { name: api.name, release, specPath: `camara/${release}/${api.file}`, overlayPaths: [] };
      specs.set(api.name, (await bundleEffectiveSpec(definitionsDir, source)).document);
    }
  }
  return specs;
}

function overlayReport(outcomes: readonly ActionOutcome[], from: string, to: string): string[] {
  if (outcomes.length === 0) return [`No overlays of ${from} to carry.`];
  const carried = outcomes.filter((o) => !o.problem);
  const left = outcomes.filter((o) => o.problem);
  return [
    `Overlays: ${carried.length} of ${outcomes.length} actions of ${from} still apply and were carried to api-definitions/overlays/${to}/.`,
    ...left.map(
      (o) =>
        `  no longer matches: ${o.api} action ${o.index} (${o.description ?? o.target}): target ${o.target}; check whether ${to} fixed it upstream.`,
    ),
  ];
}

/**
 * `camara-webrtc update`: vendors `from` as `release`, carries the project's overlays, makes it the
 * project's release in apis.json and regenerates. Returns the exit code: 0 when the new release
 * generated, 1 when it did not (the report and the defect are printed; generated/ is left as it was).
 */
export async function updateProject(options: UpdateOptions): Promise<number> {
  const { print } = options;
  const layout = projectLayout(options.dir);
  const config = readReleaseConfig(layout.definitions);
  const old = config.releases.at(-1);
  if (!old || config.releases.length !== 1) {
    throw new UsageError(`${layout.definitions}/apis.json must list exactly one release, the project's.`);
  }
  if (old.release === options.release)
    throw new UsageError(`the project already implements ${options.release}.`);
  const before: GenerateResult = await generateAll(layout.definitions, old.release, config);
  const manifest = vendorRelease({ ...options, definitionsDir: layout.definitions });
  print(
    `Vendored ${Object.keys(manifest.files).length} files into api-definitions/camara/${options.release}/.`,
  );

  const offered = discoverApis(join(layout.definitions, "camara", options.release));
  const apis = offered.filter((a) => old.apis.some((o) => o.name === a.name));
  for (const gone of old.apis.filter((o) => !apis.some((a) => a.name === o.name))) {
    print(`${gone.name} is not in ${options.release}: its handlers no longer have a contract.`);
  }
  const next: ReleaseConfig = { releases: [{ release: options.release, apis }] };
  const raw = await rawSpecs(layout.definitions, next);
  const outcomes = apis.flatMap((a) =>
    carryOverlay(layout.definitions, a.name, old.release, options.release, raw.get(a.name)),
  );
  for (const line of overlayReport(outcomes, old.release, options.release)) print(line);
  writeFileSync(join(layout.definitions, "apis.json"), `${JSON.stringify(next, null, 2)}\n`);

  let after: GenerateResult;
  try {
    after = await generateProject(layout);
  } catch (error) {
    print(`\nChanges from ${old.release} to ${options.release} (upstream specs, before overlays):`);
    for (const [name, spec] of raw) {
      const previous = before.specs.get(`${old.release}/${name}`);
      print(`${name}\n${previous ? formatChangesText(diffSpecs(previous, spec)) : "  new API\n"}`);
    }
    print(
      [
        `${options.release} is vendored and listed in api-definitions/apis.json, but does not generate:`,
        `  ${error instanceof Error ? error.message : String(error)}`,
        `Fix that upstream defect with an overlay (OpenAPI Overlay 1.0) in api-definitions/overlays/${options.release}/<api>.overlay.yaml,`,
        "then run `npx camara-webrtc generate`. generated/ still holds the previous release.",
      ].join("\n"),
    );
    return 1;
  }
  print(`\nChanges from ${old.release} to ${options.release}:`);
  print(releaseSummary(before, after).trimEnd());
  print(
    `\ngenerated/ now holds ${options.release}; \`npm run typecheck\` names the handlers that must change.`,
  );
  return 0;
}
