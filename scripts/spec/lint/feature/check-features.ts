import { basename } from "node:path";
import { getAt, isObject, refPath } from "../doc-path.ts";
import type { Finding } from "../finding.ts";
import { describeOperation, type OperationSite } from "../operations.ts";
import { featureClaims } from "./feature-claims.ts";
import { parseFeature } from "./parse-feature.ts";
import { indexSpec, type SpecForFeatures, type SpecIndex } from "./spec-index.ts";

export interface FeatureFile {
  /** Display path. */
  readonly file: string;
  readonly text: string;
}

/** A literal that stands for an identifier instead of being one (`existing-session-id`). */
const PLACEHOLDER = /^(existing[-_][A-Za-z-_]*|[A-Za-z]+(?:[-_][A-Za-z]+)*[-_]id)$/i;

function statusesOf(op: OperationSite): string[] {
  return Object.keys(isObject(op.operation.responses) ? op.operation.responses : {});
}

function documents(op: OperationSite, status: number): boolean {
  const documented = statusesOf(op);
  return documented.includes(String(status)) || documented.includes(`${String(status)[0]}XX`);
}

/** The API whose name prefixes the feature file name (`webrtc-events-createSubscription.feature`). */
function apiOf(file: string, specs: SpecIndex[]): SpecIndex | undefined {
  const name = basename(file);
  return [...specs]
    .sort((a, b) => b.spec.api.length - a.spec.api.length)
    .find((s) => name.startsWith(`${s.spec.api}-`));
}

/**
 * Cross-checks CAMARA Test_definitions features against the specs they test: every operationId,
 * path, schema pointer and status code a feature names exists; the resource path starts with the
 * server base path; identifiers are not placeholders; and every documented error status of each
 * tested operation has at least one scenario.
 */
export function checkFeatures(
  specs: readonly SpecForFeatures[],
  features: readonly FeatureFile[],
): Finding[] {
  const indexes = specs.map(indexSpec);
  const findings: Finding[] = [];
  const covered = new Map<OperationSite, { statuses: Set<number>; file: string; line: number }>();
  const add = (file: string, line: number, rule: string, severity: Finding["severity"], message: string) =>
    findings.push({ file, line, column: 1, rule, severity, message });

  for (const { file, text } of features) {
    const feature = parseFeature(text);
    const claims = featureClaims(feature);
    const index = apiOf(file, indexes);
    if (!index) {
      const names = indexes.map((i) => i.spec.api).join(", ") || "none";
      add(
        file,
        feature.line,
        "camara-feature-api",
        "warn",
        `No linted spec matches this file name (APIs: ${names}); expected <api>-<operationId>.feature`,
      );
      continue;
    }
    const { api } = index.spec;
    const relative = (path: string) =>
      path.startsWith(`${index.basePath}/`) ? path.slice(index.basePath.length) : path;

    for (const r of claims.resources) {
      if (!r.value.startsWith(`${index.basePath}/`)) {
        add(
          file,
          r.line,
          "camara-feature-base-path",
          "error",
          `The resource "${r.value}" does not start with the server base path ${index.basePath} of ${api}`,
        );
      } else if (!index.hasPath(relative(r.value))) {
        add(
          file,
          r.line,
          "camara-feature-path",
          "error",
          `The resource "${r.value}" is not a path of ${api} (paths: ${pathsOf(index)})`,
        );
      }
    }
    const method = claims.methods[0]?.value;
    const resource = claims.resources[0] ? relative(claims.resources[0].value) : undefined;
    const byResource = resource && method ? index.find(resource, method) : undefined;
    const claimed = claims.operationId
      ? index.operations.find((o) => o.operation.operationId === claims.operationId?.value)
      : undefined;
    if (!claims.operationId) {
      add(
        file,
        feature.line,
        "camara-feature-operation-id",
        "warn",
        `The feature title names no operation ("... - Operation <operationId>")`,
      );
    } else if (!claimed) {
      const hint = byResource ? `; its resource and method designate ${opName(byResource)}` : "";
      add(
        file,
        claims.operationId.line,
        "camara-feature-operation-id",
        "error",
        `The feature names operation "${claims.operationId.value}", which ${api} does not define${hint}`,
      );
    } else if (byResource && byResource !== claimed) {
      add(
        file,
        claims.operationId.line,
        "camara-feature-operation-id",
        "error",
        `The feature names operation "${claims.operationId.value}" but its resource and method designate ${opName(byResource)}`,
      );
    }
    const op = claimed ?? byResource;

    for (const { value, line } of claims.requests) {
      const path = relative(value.path);
      if (!index.hasPath(path)) {
        add(
          file,
          line,
          "camara-feature-path",
          "error",
          `${value.method.toUpperCase()} "${value.path}" is not a path of ${api} (paths: ${pathsOf(index)})`,
        );
      } else if (!index.find(path, value.method)) {
        add(
          file,
          line,
          "camara-feature-path",
          "error",
          `${api} has no ${value.method.toUpperCase()} operation on "${value.path}"`,
        );
      }
    }
    for (const { value, line } of claims.schemaPointers) {
      const path = refPath(value.startsWith("#") ? value : `#${value}`);
      if (path === null || getAt(index.spec.doc, path) === undefined) {
        add(
          file,
          line,
          "camara-feature-schema-pointer",
          "error",
          `The schema "${value}" does not exist in ${api}`,
        );
      }
    }
    for (const { value, line } of claims.identifiers) {
      if (PLACEHOLDER.test(value)) {
        add(
          file,
          line,
          "camara-feature-placeholder",
          "warn",
          `"${value}" is a placeholder, not an identifier: the scenario must create the resource and use the identifier the API returns`,
        );
      }
    }
    if (!op) continue;
    const coverage = covered.get(op) ?? { statuses: new Set<number>(), file, line: feature.line };
    covered.set(op, coverage);
    for (const { value, line } of claims.statuses) {
      coverage.statuses.add(value);
      if (!documents(op, value)) {
        add(
          file,
          line,
          "camara-feature-status",
          "error",
          `The scenario expects ${value}, which ${opName(op)} does not document (documented: ${statusesOf(op).join(", ")})`,
        );
      }
    }
  }

  for (const [op, coverage] of covered) {
    for (const status of statusesOf(op)) {
      if (!/^[45]\d\d$/.test(status) || coverage.statuses.has(Number(status))) continue;
      add(
        coverage.file,
        coverage.line,
        "camara-feature-error-coverage",
        "warn",
        `No scenario covers the documented ${status} response of ${opName(op)}`,
      );
    }
  }
  for (const index of indexes) {
    const tested = [...covered.keys()].filter((o) => index.operations.includes(o));
    if (tested.length === 0) continue; // no features for this API were linted
    for (const op of index.operations.filter((o) => !covered.has(o))) {
      const { line, column } = index.spec.locate(op.location);
      findings.push({
        file: index.spec.file,
        line,
        column,
        rule: "camara-feature-operation-coverage",
        severity: "warn",
        message: `No feature file tests ${opName(op)}`,
      });
    }
  }
  return findings;
}

function opName(op: OperationSite): string {
  return `${String(op.operation.operationId)} (${describeOperation(op)})`;
}

function pathsOf(index: SpecIndex): string {
  return [...new Set(index.operations.map((o) => o.path))].join(", ");
}
