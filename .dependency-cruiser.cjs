/**
 * The layer rules of ARCHITECTURE.md and STYLE.md ("Layers and boundaries"), checked by
 * dependency-cruiser in `npm test` (tier `layers`, right after `lint`): `npm run layers`.
 * Type-only imports count: a layer that names another's types depends on it.
 */

/** impl/'s test code: test files, the testing kits beside the code, the e2e tier's harness. */
const TEST_CODE = ["^impl/.*\\.test\\.ts$", "^impl/testing/", "^impl/.+/testing/", "^impl/e2e/"];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles anywhere outside generated/.",
      severity: "error",
      from: { pathNot: "^generated/" },
      to: { circular: true },
    },
    {
      name: "http-uses-engine-interfaces-only",
      comment: "impl/http → impl/services → engine interfaces: HTTP never reaches an engine implementation.",
      severity: "error",
      from: { path: "^impl/http/", pathNot: TEST_CODE },
      to: { path: "^impl/engine/(sip|media|offline)/" },
    },
    {
      name: "services-use-engine-interfaces-only",
      comment: "The services see the engine through impl/engine/*.ts, never an implementation.",
      severity: "error",
      from: { path: "^impl/services/", pathNot: TEST_CODE },
      to: { path: "^impl/engine/(sip|media|offline)/" },
    },
    {
      name: "services-not-to-http",
      comment: "Imports run one way: impl/http → impl/services.",
      severity: "error",
      from: { path: "^impl/services/" },
      to: { path: "^impl/http/" },
    },
    {
      name: "engine-not-up",
      comment: "The engine implements interfaces; it never imports the services or HTTP above it.",
      severity: "error",
      from: { path: "^impl/engine/", pathNot: TEST_CODE },
      to: { path: "^impl/(services|http)/" },
    },
    {
      name: "media-not-to-sip",
      comment: "impl/engine/media and impl/engine/sip meet only in the engine interfaces.",
      severity: "error",
      from: { path: "^impl/engine/media/" },
      to: { path: "^impl/engine/sip/" },
    },
    {
      name: "sip-not-to-media",
      comment: "impl/engine/media and impl/engine/sip meet only in the engine interfaces.",
      severity: "error",
      from: { path: "^impl/engine/sip/", pathNot: TEST_CODE },
      to: { path: "^impl/engine/media/" },
    },
    {
      name: "sip.js-only-in-engine-sip",
      comment: "Only impl/engine/sip imports sip.js.",
      severity: "error",
      from: { pathNot: "^impl/engine/sip/" },
      to: { path: "node_modules/sip\\.js/" },
    },
    {
      name: "express-only-in-http",
      comment: "Only impl/http and the runtime's HTTP layer (impl/runtime/http) import express.",
      severity: "error",
      from: { path: "^impl/", pathNot: "^impl/(runtime/)?http/" },
      to: { path: "node_modules/express/" },
    },
    {
      name: "impl-not-to-scripts",
      comment:
        "impl/ never imports scripts/ (its tests may start the lab's peers and make a development CA: scripts/lab, scripts/lib, scripts/dev-ca).",
      severity: "error",
      from: { path: "^impl/", pathNot: TEST_CODE },
      to: { path: "^scripts/" },
    },
    {
      name: "impl-tests-only-to-the-lab",
      comment:
        "impl/'s tests use scripts/ only to start the lab's peers and make a development CA (scripts/lab, scripts/lib, scripts/dev-ca).",
      severity: "error",
      from: { path: TEST_CODE },
      to: { path: "^scripts/", pathNot: "^scripts/(lab|lib|dev-ca)/" },
    },
    {
      name: "impl-not-to-conformance",
      comment: "impl/ never imports conformance/ (its tests may use the callback sink: next rule).",
      severity: "error",
      from: { path: "^impl/", pathNot: TEST_CODE },
      to: { path: "^conformance/" },
    },
    {
      name: "impl-tests-only-to-the-sink",
      comment:
        "impl/'s tests use conformance/ only for its callback sink and the schema-derived negative inputs (pure code).",
      severity: "error",
      from: { path: TEST_CODE },
      to: {
        path: "^conformance/",
        pathNot: ["^conformance/sink/", "^conformance/schema/schema-mutations\\.ts$"],
      },
    },
    {
      name: "conformance-not-to-impl",
      comment: "conformance/ tests any gateway over HTTP; it never imports impl/.",
      severity: "error",
      from: { path: "^conformance/" },
      to: { path: "^impl/" },
    },
    {
      name: "runtime-is-its-own-package",
      comment:
        "impl/runtime is the camara-webrtc-runtime package: it imports nothing else of impl/ (its tests neither).",
      severity: "error",
      from: { path: "^impl/runtime/" },
      to: { path: "^impl/", pathNot: "^impl/runtime/" },
    },
    {
      name: "runtime-code-stands-alone",
      comment:
        "What the runtime package ships reads no generated/ release, script or conformance code: a project brings its own contract.",
      severity: "error",
      from: { path: "^impl/runtime/", pathNot: TEST_CODE },
      to: { path: "^(generated|scripts|conformance|features)/" },
    },
    {
      name: "runtime-only-through-its-package",
      comment:
        "The gateway, the scripts and the suite use the runtime as an outside implementer would: through `camara-webrtc-runtime`, never a relative path into impl/runtime (its test kits excepted).",
      severity: "error",
      from: { pathNot: "^impl/runtime/" },
      to: {
        path: "^impl/runtime/",
        pathNot: "^impl/runtime/.*/testing/",
        dependencyTypesNot: ["aliased-workspace"],
      },
    },
    {
      name: "runtime-test-kits-only-in-tests",
      comment: "The runtime's testing/ kits are for test code only.",
      severity: "error",
      from: { pathNot: ["^impl/runtime/", "\\.test\\.ts$", "/testing/"] },
      to: { path: "^impl/runtime/.*/testing/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing would hide a layer crossing.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.tmp|data|reports)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
