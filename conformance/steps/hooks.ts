import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  Status,
  setDefaultTimeout,
  setDefinitionFunctionWrapper,
  setWorldConstructor,
} from "@cucumber/cucumber";
import { defectOf } from "../run/known-defects.ts";
import { closeRunContext, openRunContext, type WorldParameters } from "../support/run-context.ts";
import { ConformanceWorld } from "../support/world.ts";

/**
 * The scenario life cycle: the run context opens once, each scenario gets a fresh World seeded by
 * its identity, and what a scenario created is removed after it.
 *
 * Listed upstream defects (conformance/known-defects.yaml) run for real, but unless the run is
 * `--strict` their outcome is reported as SKIPPED with the defect and the actual outcome attached:
 * no report (progress, JUnit, HTML, JSON) shows them as passed, and none fails on them.
 */

setWorldConstructor(ConformanceWorld);
setDefaultTimeout(30_000);

BeforeAll(async function () {
  await openRunContext(this.parameters as unknown as WorldParameters);
});

AfterAll(async () => {
  await closeRunContext();
});

Before(function (this: ConformanceWorld, { pickle }) {
  this.startScenario(pickle.name, pickle.uri);
  const { knownDefects, strictDefects } = this.parameters;
  this.defect = strictDefects
    ? undefined
    : defectOf(
        knownDefects,
        pickle.tags.map((t) => t.name),
      );
});

After(async function (this: ConformanceWorld, { result }) {
  await this.cleanUp();
  if (this.defect && result?.status === Status.PASSED) {
    await this.attach(
      `Upstream defect ${this.defect.tag} (${this.defect.spec}): ${this.defect.reason}\nThe scenario's steps passed against this target; it is not counted as passed.`,
    );
    return "skipped";
  }
  return undefined;
});

type StepFunction = (this: ConformanceWorld, ...args: unknown[]) => unknown;

setDefinitionFunctionWrapper((fn: StepFunction) => {
  return async function (this: ConformanceWorld, ...args: unknown[]) {
    if (!(this instanceof ConformanceWorld) || !this.defect) return fn.apply(this, args);
    try {
      return await fn.apply(this, args);
    } catch (error) {
      const defect = this.defect;
      await this.attach(
        `Upstream defect ${defect.tag} (${defect.spec}): ${defect.reason}\nAs expected, a step failed: ${(error as Error).message}`,
      );
      return "skipped";
    }
  };
});
