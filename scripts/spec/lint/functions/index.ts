import type { RulesetFunction } from "@stoplight/spectral-core";
import { adminSecurityUnique } from "./admin-security-unique.ts";
import { commonalitiesVersion } from "./commonalities-version.ts";
import { discriminatorMapping } from "./discriminator-mapping.ts";
import { enumCasing } from "./enum-casing.ts";
import { errorCodeCasing } from "./error-code-casing.ts";
import { errorResponses } from "./error-responses.ts";
import { exampleUndeclaredProperties } from "./example-undeclared-properties.ts";
import { examplesValid } from "./examples-valid.ts";
import { operationIdUnique } from "./operation-id-unique.ts";
import { operationSecurity } from "./operation-security.ts";
import { parameterCheck } from "./parameter-check.ts";
import { pathItemKeys } from "./path-item-keys.ts";
import { patternNotFormat } from "./pattern-not-format.ts";
import { requiredDefined } from "./required-defined.ts";
import { reservedWords } from "./reserved-words.ts";
import { schemaConstraint } from "./schema-constraint.ts";
import { schemaTypeCheck } from "./schema-type-check.ts";
import { scopeNaming } from "./scope-naming.ts";
import { unusedComponent } from "./unused-component.ts";

/**
 * The project's Spectral functions, by the name the ruleset uses. Each takes the whole unresolved
 * document (`given: $`, `resolved: false`) and walks it itself, so that results point at the
 * place a spec author has to edit.
 */
// biome-ignore lint/suspicious/noExplicitAny: Spectral's RulesetFunction is generic in its options.
export const customFunctions: Record<string, RulesetFunction<unknown, any>> = {
  adminSecurityUnique,
  commonalitiesVersion,
  discriminatorMapping,
  enumCasing,
  errorCodeCasing,
  errorResponses,
  exampleUndeclaredProperties,
  examplesValid,
  operationIdUnique,
  operationSecurity,
  parameterCheck,
  pathItemKeys,
  patternNotFormat,
  requiredDefined,
  reservedWords,
  schemaConstraint,
  schemaTypeCheck,
  scopeNaming,
  unusedComponent,
};
