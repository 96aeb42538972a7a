import { fileURLToPath } from "node:url";
import type { TargetConfig } from "../config/target-config.ts";
import type { BasePathRule } from "../run/base-path-map.ts";
import type { KnownDefect } from "../run/known-defects.ts";
import { suiteRelease } from "../run/suite-release.ts";
import { createTokenProvider, type TokenProvider } from "../tokens/token-provider.ts";
import { type ApiClient, createApiClient } from "./api-client.ts";
import { type Contract, loadContract } from "./contract.ts";
import { type NotificationSink, startNotificationSink } from "./notification-sink.ts";

/** What the CLI hands cucumber as `worldParameters` (JSON only). */
export interface WorldParameters {
  readonly config: TargetConfig;
  readonly knownDefects: readonly KnownDefect[];
  /** `--strict`: listed upstream defects run and count like any other scenario. */
  readonly strictDefects: boolean;
  /** `--base-path` rules applied to the paths features name (absent: none). */
  readonly basePaths?: readonly BasePathRule[];
  /** Skip the remaining scenarios once this many have failed (the mutation tier); absent: never. */
  readonly stopAfterFailures?: number;
}

/** Everything shared by the scenarios of one run: opened in BeforeAll, closed in AfterAll. */
export interface RunContext {
  readonly parameters: WorldParameters;
  readonly config: TargetConfig;
  readonly contract: Contract;
  readonly tokens: TokenProvider;
  readonly client: ApiClient;
  /** Present when the target supports events and a sink is configured. */
  readonly sink: NotificationSink | undefined;
  /** The sink URL to put in subscriptions (the running sink's, or an asset, or a discard address). */
  readonly sinkUrl: string;
  /** Scenarios of this run that failed so far. */
  failures: number;
}

/**
 * Where subscriptions made as preconditions point when no sink runs and no `assets.sinkUrl` is
 * configured: an https URL under the reserved `.invalid` TLD (RFC 6761 §6.4), which never resolves,
 * so that nothing is ever delivered anywhere.
 */
const DISCARD_SINK = "https://sink.invalid/camara-conformance";

let current: RunContext | undefined;

export async function openRunContext(parameters: WorldParameters): Promise<RunContext> {
  if (current) return current;
  const { config } = parameters;
  const contract = loadContract(config.release);
  const scopes = [...new Set(contract.apis.flatMap((a) => a.operations.flatMap((o) => o.scopes)))].sort();
  const tokens = createTokenProvider(config, scopes);
  tokens.prefetch();
  const eventsSpec = suiteRelease(config.release).effectiveSpecFiles["webrtc-events"];
  const sink =
    config.sink && config.supports.events
      ? await startNotificationSink(
          config.sink,
          eventsSpec && fileURLToPath(new URL(`../../generated/${eventsSpec}`, import.meta.url)),
        )
      : undefined;
  current = {
    parameters,
    config,
    contract,
    tokens,
    client: createApiClient(config, contract, tokens),
    sink,
    sinkUrl: sink?.url ?? config.assets.sinkUrl ?? DISCARD_SINK,
    failures: 0,
  };
  return current;
}

export function runContext(): RunContext {
  if (!current)
    throw new Error("The run context is not open: BeforeAll did not run (support code not loaded?)");
  return current;
}

export async function closeRunContext(): Promise<void> {
  await current?.sink?.close();
  current = undefined;
}
