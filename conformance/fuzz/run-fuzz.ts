import type { OperationManifest } from "../../generated/manifest-types.ts";
import type { TargetConfig } from "../config/target-config.ts";
import { bodyMutations, documentedErrorCodes } from "../schema/schema-mutations.ts";
import { seededRandom } from "../schema/seeded-random.ts";
import { createApiClient } from "../support/api-client.ts";
import { loadContract } from "../support/contract.ts";
import {
  type CreatedResource,
  createResourceFactory,
  RESOURCES,
  resourceOfParam,
  subscriptionDetail,
} from "../support/resources.ts";
import { createTokenProvider } from "../tokens/token-provider.ts";

/**
 * The fuzz phase (`--fuzz <n>`): per operation that takes a request body, `n` schema-derived
 * invalid bodies (the generator of the gateway's negative battery, conformance/schema/schema-mutations.ts),
 * sent with the valid token on the valid subscriber's resources. Any 5xx, a status the operation
 * does not document, or an error code it does not document for that status fails the phase.
 */
export interface FuzzFinding {
  readonly mutation: string;
  readonly status: number;
  readonly problem: string;
}

export interface FuzzRow {
  readonly operationId: string;
  readonly sent: number;
  readonly findings: readonly FuzzFinding[];
}

/** A valid body per operation, on the given resources (the seed every mutation starts from). */
function seedBody(
  op: OperationManifest,
  release: string,
  made: readonly CreatedResource[],
  sinkUrl: string,
): unknown {
  const registration = made.find((r) => r.kind === "registration");
  switch (op.operationId) {
    case "createRegistration":
      return { deviceId: "6f1c3a52-4b1e-4c55-9d7e-2a6c1d0b8e11" };
    case "createSession":
      return { receiverAddress: "tel:+34600000003" };
    case "updateSessionStatus":
      return { status: "Cancelled" };
    case "createNotificationChannelSubscription":
      return {
        protocol: "HTTP",
        sink: sinkUrl,
        types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
        config: {
          subscriptionDetail: registration ? subscriptionDetail(release, registration) : {},
        },
      };
    case "updateNotificationChannelSubscription":
      return { config: { subscriptionExpireTime: new Date(Date.now() + 3_600_000).toISOString() } };
    default:
      return {};
  }
}

/** `n` mutations spread evenly over all of them (each keyword and depth gets its turn). */
function pick<T>(all: readonly T[], n: number): T[] {
  if (all.length <= n) return [...all];
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)] as T);
}

function judge(op: OperationManifest, spec: object, status: number, json: unknown): string | undefined {
  if (status >= 500) return `${status}: a server error`;
  const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
  if (!documented) return `${status} is not documented (${Object.keys(op.responses).join(", ")})`;
  if (status < 400) return undefined;
  const codes = documentedErrorCodes(
    spec,
    documented.content["application/json"] as Record<string, unknown> | undefined,
  );
  const code = (json as { code?: unknown } | undefined)?.code;
  if (codes.length > 0 && !codes.includes(String(code)))
    return `${status} ${String(code)}: not a code documented for ${status} (${codes.join(", ")})`;
  return undefined;
}

export async function runFuzz(config: TargetConfig, perOperation: number): Promise<FuzzRow[]> {
  const contract = loadContract(config.release);
  const scopes = [...new Set(contract.apis.flatMap((a) => a.operations.flatMap((o) => o.scopes)))].sort();
  const tokens = createTokenProvider(config, scopes);
  const client = createApiClient(config, contract, tokens);
  const sinkUrl = config.assets.sinkUrl ?? "https://sink.invalid/camara-conformance";
  const factory = createResourceFactory({
    client,
    random: seededRandom(`${config.seed}|fuzz`),
    assets: config.assets,
    sinkUrl,
    release: config.release,
  });
  const created: CreatedResource[] = [];
  const rows: FuzzRow[] = [];
  try {
    // APIs the target does not serve in this release (notServed) have nothing to fuzz.
    const notServed = config.notServed[config.release] ?? [];
    for (const op of contract.apis.filter((a) => !notServed.includes(a.name)).flatMap((a) => a.operations)) {
      const schema = op.requestBody?.content["application/json"];
      if (!schema) continue;
      const spec = contract.spec(op.api);
      // Fresh resources per operation: a mutation that is accepted may change them.
      const ids: Record<string, string> = {};
      const made: CreatedResource[] = [];
      const wanted = op.parameters.flatMap((p) => {
        const kind = resourceOfParam(p.name);
        return (p.in === "path" || p.name === "registrationId") && kind ? [kind] : [];
      });
      if (op.operationId === "createNotificationChannelSubscription") wanted.push("registration");
      for (const kind of wanted) {
        const resources = await factory.create(kind, "valid");
        made.push(...resources);
        created.push(...resources);
        for (const r of resources) ids[RESOURCES[r.kind].param] = r.id;
      }
      const seed = seedBody(op, config.release, made, sinkUrl);
      const findings: FuzzFinding[] = [];
      const mutations = pick(bodyMutations(spec, schema as Record<string, unknown>, seed), perOperation);
      for (const m of mutations) {
        const { response } = await client.call({
          operationId: op.operationId,
          pathParams: ids,
          headers: op.parameters.some((p) => p.name === "registrationId" && p.in === "header")
            ? { registrationId: ids.registrationId ?? "" }
            : {},
          body: m.body,
        });
        const problem = judge(op, spec, response.status, response.json);
        if (problem) findings.push({ mutation: m.name, status: response.status, problem });
        // An invalid body the gateway accepted still created something: removed below.
        const kind = (Object.keys(RESOURCES) as (keyof typeof RESOURCES)[]).find(
          (k) => RESOURCES[k].create === op.operationId,
        );
        const id = kind
          ? (response.json as Record<string, unknown> | undefined)?.[RESOURCES[kind].idProperty]
          : undefined;
        if (kind && response.status < 300 && typeof id === "string")
          created.push({ kind, id, profile: "valid", body: response.json });
      }
      rows.push({ operationId: op.operationId, sent: mutations.length, findings });
    }
  } finally {
    for (const r of created.reverse()) await factory.remove(r);
  }
  return rows;
}

/** The per-operation table printed after the run. */
export function fuzzReport(rows: readonly FuzzRow[]): string {
  const lines = rows.map(
    (r) =>
      `${r.operationId.padEnd(40)} | ${String(r.sent).padStart(4)} sent | ${
        r.findings.length === 0 ? "ok" : `${r.findings.length} FAILED`
      }`,
  );
  const failures = rows.flatMap((r) =>
    r.findings.map((f) => `  ${r.operationId}: ${f.mutation}: ${f.problem}`),
  );
  return [
    "Fuzz (schema-derived invalid request bodies, per operation):",
    ...lines,
    ...(failures.length ? ["Failures:", ...failures.slice(0, 50)] : []),
    "",
  ].join("\n");
}
