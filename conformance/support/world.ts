import type { ChildProcess } from "node:child_process";
import { type IWorldOptions, World } from "@cucumber/cucumber";
import type { OperationManifest } from "../../generated/manifest-types.ts";
import { onCreated } from "../checks/coherence.ts";
import { ResourceLedger } from "../checks/resource-ledger.ts";
import type { ResourceKind, TokenProfile } from "../config/target-config.ts";
import { mapBasePath } from "../run/base-path-map.ts";
import type { KnownDefect } from "../run/known-defects.ts";
import { hashSeed, type Random, seededRandom } from "../schema/seeded-random.ts";
import type { Exchange } from "./http-exchange.ts";
import type { ReceivedNotification } from "./notification-sink.ts";
import { RequestDraft } from "./request-draft.ts";
import { type CreatedResource, createResourceFactory, RESOURCES, type ResourceFactory } from "./resources.ts";
import { type RunContext, runContext, type WorldParameters } from "./run-context.ts";

/** The last request sent and what the contract says about it. */
export interface SentExchange extends Exchange {
  /** The operation whose path template and method the request matched, if any. */
  readonly operation: OperationManifest | undefined;
  /** The API the request was addressed to (by base path), if any. */
  readonly api: string | undefined;
}

/**
 * The state of one scenario: the request being built, the resources created for it, the last
 * exchange and notification. Steps read and change it; hooks open and clean it up. Shared, run-wide
 * things (configuration, contract, tokens, sink) live in the {@link RunContext}.
 */
export class ConformanceWorld extends World<WorldParameters> {
  random: Random;
  /** From `an environment at "<name>"`; the configured apiRoot until then. */
  apiRoot: string;
  /** The Background's resource, a path template such as `/webrtc-events/v0.2/subscriptions/{subscriptionId}`. */
  resource: string | undefined;
  draft = new RequestDraft();
  /** Placeholder (upstream literal id) → the real value it stands for in this scenario. */
  readonly bindings = new Map<string, string>();
  /** Values saved by steps, for `{{name}}`. */
  readonly saved = new Map<string, string>();
  readonly created: CreatedResource[] = [];
  /** What the coherence checks know of this scenario's resources (checks/). */
  readonly ledger = new ResourceLedger();
  /** The token profile of the Authorization header the scenario set; undefined when none or unknown. */
  authProfile: TokenProfile | undefined;
  /** "that session", "that subscription": the resource a precondition created last. */
  lastCreated: CreatedResource | undefined;
  exchange: SentExchange | undefined;
  notification: ReceivedNotification | undefined;
  /** Notifications a step has already taken as received: the next step looks past them. */
  readonly notificationsTaken = new Set<ReceivedNotification>();
  /** Set when the scenario is a listed upstream defect (and the run is not --strict). */
  defect: KnownDefect | undefined;
  /** The text of the step running now (set before each step), for the defect's expected failure. */
  currentStep = "";
  private factoryCache: ResourceFactory | undefined;
  /** Background processes a scenario started (a remote party of the test network), ended after it. */
  readonly processes: ChildProcess[] = [];

  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
    this.random = seededRandom(this.parameters.config.seed);
    this.apiRoot = this.parameters.config.apiRoot;
  }

  /** The run-wide context (opened by BeforeAll; absent in a dry run, where no step executes). */
  get run(): RunContext {
    return runContext();
  }

  /** Creates and removes resources through the API, with this scenario's data seed and sink. */
  get resources(): ResourceFactory {
    this.factoryCache ??= createResourceFactory({
      client: this.run.client,
      random: this.random.fork("resources"),
      assets: this.run.config.assets,
      sinkUrl: this.sinkUrl,
      release: this.run.contract.release,
    });
    return this.factoryCache;
  }

  /** When the scenario started, epoch ms: notifications received before belong to others. */
  startedAt = Date.now();

  /** Re-seeds the generated data from the scenario's identity (called by the Before hook). */
  startScenario(name: string, uri: string): void {
    this.startedAt = Date.now();
    this.scenarioKey = `s${hashSeed(`${uri}|${name}|${this.startedAt}`).toString(36)}`;
    this.random = seededRandom(`${this.parameters.config.seed}|${uri}|${name}`);
    this.factoryCache = undefined;
  }

  /** Names this scenario's own sink path, so that its notifications are told apart from others'. */
  scenarioKey = "s0";

  /** Where this scenario's subscriptions send notifications: its own path on the running sink. */
  get sinkUrl(): string {
    return this.run.sink ? `${this.run.sink.url}/${this.scenarioKey}` : this.run.sinkUrl;
  }

  /** The API the scenario is about: of its Background resource, else of its last request. */
  api(): string {
    const path = this.resource ?? this.exchange?.request.url.slice(this.apiRoot.length);
    const api = path === undefined ? undefined : this.run.contract.apiOfPath(path)?.name;
    if (!api) throw new Error("No API in context: set the resource (Background) or send a request first.");
    return api;
  }

  /** Creates a resource through the API (its prerequisites too) and remembers it for cleanup. */
  async createResource(
    kind: ResourceKind,
    profile: TokenProfile = "valid",
    extra: Parameters<ResourceFactory["create"]>[2] = {},
  ): Promise<CreatedResource> {
    // A session or subscription hangs off the scenario's own registration when it has one.
    const registration = [...this.created]
      .reverse()
      .find((r) => r.kind === "registration" && r.profile === profile);
    const made = await this.resources.create(kind, profile, {
      ...(registration && kind !== "registration" ? { registration } : {}),
      ...extra,
    });
    this.created.push(...made);
    for (const r of made) this.track(r);
    // `{{registrationId}}`, `{{mediaSessionId}}`, `{{subscriptionId}}`: the latest of each kind.
    for (const r of made) this.saved.set(RESOURCES[r.kind].param, r.id);
    // `{{deviceId}}`: the device of the latest registration (r3.1 subscriptions name it).
    const deviceId = (made.findLast((r) => r.kind === "registration")?.request as { deviceId?: unknown })
      ?.deviceId;
    if (typeof deviceId === "string") this.saved.set("deviceId", deviceId);
    const resource = made.at(-1) as CreatedResource;
    this.lastCreated = resource;
    return resource;
  }

  /** Records a created resource for the coherence checks, which check its creation answer. */
  track(resource: CreatedResource): void {
    const { assets } = this.run.config;
    onCreated(this.ledger, {
      kind: resource.kind,
      id: resource.id,
      profile: resource.profile,
      phoneNumber:
        resource.profile === "valid"
          ? assets.phoneNumber
          : resource.profile === "otherSubscriber"
            ? assets.otherPhoneNumber
            : undefined,
      request: resource.request,
      response: resource.body,
      now: Date.now(),
    });
  }

  /**
   * The real value behind an upstream placeholder, when the target configuration binds it: created
   * (or looked up) once per scenario. Any other text is returned unchanged.
   */
  async bound(text: string): Promise<string> {
    const existing = this.bindings.get(text);
    if (existing !== undefined) return existing;
    const binding = this.run.config.placeholders[text];
    if (!binding) return text;
    const value =
      "resource" in binding ? (await this.createResource(binding.resource)).id : this.asset(binding.asset);
    this.bindings.set(text, value);
    return value;
  }

  /** Replaces placeholders anywhere in a JSON value (strings equal to a placeholder). */
  async bindDeep(value: unknown): Promise<unknown> {
    if (typeof value === "string") return this.bound(value);
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.bindDeep(v)));
    if (typeof value === "object" && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await this.bindDeep(v);
      return out;
    }
    return value;
  }

  /** A testing asset by name (`sinkUrl` is the running sink's). */
  asset(name: string): string {
    if (name === "sinkUrl") return this.sinkUrl;
    const value = this.run.config.assets[name];
    if (value === undefined)
      throw new Error(`The target configuration has no asset "${name}" (assets.${name}).`);
    return value;
  }

  /**
   * `{{name}}` → a saved value, a bound placeholder, an asset, a configuration variable, or
   * `{{callee.<behaviour>}}` from the test network.
   */
  interpolate(text: string): string {
    return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => {
      const value =
        this.saved.get(name) ??
        this.bindings.get(name) ??
        (name === "sinkUrl" ? this.sinkUrl : undefined) ??
        this.run.config.assets[name] ??
        this.run.config.variables[name] ??
        (name.startsWith("callee.") ? this.run.config.testNetwork.callees[name.slice(7)] : undefined);
      if (value === undefined) throw new Error(`Nothing named "${name}" to put in {{${name}}}.`);
      return value;
    });
  }

  /** A path a feature names, after the run's `--base-path` rules (e.g. `vwip` → the served version). */
  mapPath(path: string): string {
    const rules = this.parameters.basePaths ?? [];
    if (rules.length === 0) return path;
    return mapBasePath(path, rules, (api) => this.run.contract.apis.find((a) => a.name === api)?.basePath);
  }

  /** The last exchange, or a failure saying no request was sent. */
  sent(): SentExchange {
    if (!this.exchange) throw new Error("No request has been sent in this scenario.");
    return this.exchange;
  }

  /** Removes what the scenario created, newest first (best effort). */
  async cleanUp(): Promise<void> {
    for (const child of this.processes) if (child.exitCode === null) child.kill("SIGTERM");
    for (const resource of [...this.created].reverse()) await this.resources.remove(resource);
  }
}
