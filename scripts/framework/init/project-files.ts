// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are source files of the scaffold, whose template literals are meant literally.
import { handlerFactoryName, handlerModuleFile } from "./handler-module.ts";

/** What the project files depend on: its name, release, APIs and the framework's versions. */
export interface ProjectFacts {
  readonly name: string;
  readonly release: string;
  readonly apis: readonly string[];
  /** Version of camara-webrtc, camara-webrtc-runtime and camara-conformance (released together). */
  readonly frameworkVersion: string;
  /** Versions of the tools the project runs, as the framework pins them. */
  readonly tools: { readonly typescript: string; readonly tsx: string; readonly typesNode: string };
}

export function packageJson(facts: ProjectFacts): string {
  const pkg = {
    name: facts.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      start: "tsx src/server.ts",
      generate: "camara-webrtc generate",
      update: "camara-webrtc update",
      typecheck: "tsc -p .",
      test: "tsc -p . && tsx test/conformance.ts",
    },
    dependencies: { "camara-webrtc-runtime": `^${facts.frameworkVersion}`, tsx: facts.tools.tsx },
    devDependencies: {
      "@types/node": facts.tools.typesNode,
      "camara-conformance": `^${facts.frameworkVersion}`,
      "camara-webrtc": `^${facts.frameworkVersion}`,
      typescript: facts.tools.typescript,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The framework's own strictness; the runtime's TypeScript sources are checked with it. */
export function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023"],
      types: ["node"],
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitOverride: true,
      noImplicitReturns: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
    },
    include: ["src", "test", "generated"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function serverEntry(facts: ProjectFacts): string {
  const imports = facts.apis.map(
    (api) => `import { ${handlerFactoryName(api)} } from "./handlers/${handlerModuleFile(api)}";`,
  );
  return [
    'import { createCamaraApp, createDevAuth, createJwtVerifier, listen, loadContract } from "camara-webrtc-runtime";',
    'import { apis, effectiveSpecFiles } from "../generated/current.ts";',
    ...imports,
    "",
    "// AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL name the operator's issuer; without them the app",
    "// runs its development issuer (POST /dev-issuer/token), for local tests only.",
    "const { AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL } = process.env;",
    "const auth =",
    "  AUTH_ISSUER && AUTH_AUDIENCE && AUTH_JWKS_URL",
    "    ? createJwtVerifier({ issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE, jwksUrl: AUTH_JWKS_URL })",
    "    : await createDevAuth();",
    "",
    "const app = createCamaraApp({",
    '  contract: loadContract(new URL("../generated/", import.meta.url), { apis, effectiveSpecFiles }),',
    `  handlers: { ${facts.apis.map((api) => `...${handlerFactoryName(api)}()`).join(", ")} },`,
    "  auth,",
    "});",
    'const { url } = await listen(app, { port: Number(process.env.PORT ?? 9091), host: process.env.HOST ?? "127.0.0.1" });',
    "console.log(`listening on ${url}`);",
    "",
  ].join("\n");
}

/**
 * test/conformance.ts: starts the server, runs the conformance suite against it, stops it. The
 * release and APIs checked are the project's of the moment (api-definitions/apis.json), so that a run
 * after `update` checks the new release.
 */
export function conformanceRunner(): string {
  return [
    'import { spawn } from "node:child_process";',
    'import { readFileSync } from "node:fs";',
    'import { createServer } from "node:net";',
    "",
    "// The release and APIs this project implements, as `camara-webrtc init` and `update` leave them.",
    'const config = JSON.parse(readFileSync("api-definitions/apis.json", "utf8")) as {',
    "  releases: { release: string; apis: { name: string }[] }[];",
    "};",
    "const project = config.releases[0];",
    'if (!project) throw new Error("api-definitions/apis.json lists no release");',
    "",
    "// A free loopback port for the server under test.",
    "const probe = createServer();",
    'await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));',
    "const port = (probe.address() as { port: number }).port;",
    "await new Promise<void>((resolve) => probe.close(() => resolve()));",
    "",
    'const server = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {',
    '  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },',
    '  stdio: ["ignore", "inherit", "inherit"],',
    "});",
    "const apiRoot = `http://127.0.0.1:${port}`;",
    "const deadline = Date.now() + 30_000;",
    "for (;;) {",
    "  const ready = await fetch(`${apiRoot}/readyz`).then((r) => r.ok, () => false);",
    "  if (ready) break;",
    "  if (Date.now() > deadline || server.exitCode !== null) {",
    "    server.kill();",
    '    throw new Error("the server did not become ready within 30 s");',
    "  }",
    "  await new Promise((resolve) => setTimeout(resolve, 200));",
    "}",
    "",
    "// Arguments after `npm test --` go to the suite (e.g. --tags, --report junit).",
    "const suite = spawn(",
    '  "camara-conformance",',
    '  ["--target", apiRoot, "--config", "conformance.yaml", "--source", "upstream", "--release", project.release,',
    '   "--api", project.apis.map((a) => a.name).join(","), ...process.argv.slice(2)],',
    '  { stdio: "inherit", shell: process.platform === "win32" },',
    ");",
    'const status = await new Promise<number | null>((resolve) => suite.once("exit", resolve));',
    "server.kill();",
    "process.exitCode = status ?? 1;",
    "",
  ].join("\n");
}

/** conformance.yaml: the suite's target configuration for this project's development issuer. */
export function conformanceConfig(facts: ProjectFacts): string {
  return `# Target configuration of camara-conformance for this project (see the camara-conformance README,
# "Target configuration"). test/conformance.ts passes --target; the tokens come from the app's
# development issuer (createDevAuth), which grants any scope asked.
apiRoot: \${API_ROOT:-http://127.0.0.1:9091}
seed: ${facts.name}-${facts.release}
auth:
  oauth2:
    tokenUrl: "{apiRoot}/dev-issuer/token"
    clientId: dev-client
    clientSecret: dev-secret
    clientAuth: basic
  profiles:
    valid:
      oauth2: { phone_number: "+34600000001" }
    otherSubscriber:
      oauth2: { phone_number: "+34600000002" }
    missingScope:
      oauth2: { phone_number: "+34600000001", scope: "openid" }
    expired:
      oauth2: { phone_number: "+34600000001", expires_in: "1", issued_ago: "3600" }
    noSubscriber:
      oauth2: {}
    invalid:
      tamper: valid
assets:
  phoneNumber: "+34600000001"
  otherPhoneNumber: "+34600000002"
  originatorAddress: "tel:+34600000001"
  receiverAddress: "tel:+34600000003"
placeholders:
  existing-session-id: { resource: registration }
  xsmcaum3z4zw4l0cu4w115m0: { resource: registration }
  0AEE1B58BAEEDA3EABA42B32EBB3DFE07E9CFF402EAF9EED8EF: { resource: mediaSession }
  qs15-h556-rt89-1298: { resource: subscription }
  "tel:+17085852753": { asset: originatorAddress }
supports:
  events: false
  sip: false
`;
}

export function readme(facts: ProjectFacts): string {
  return `# ${facts.name}

A gateway for the CAMARA WebRTC APIs (${facts.apis.join(", ")}) of release ${facts.release}, made by
\`camara-webrtc init\`. The contract is generated from the vendored release in \`api-definitions/\`
into \`generated/\` (never edit it); what each operation does is written in \`src/handlers/\`, one
module per API, where every operation answers 501 NOT_IMPLEMENTED until it is filled in.

## The two commands

- \`npm test\`: type-checks the project, starts it and runs the CAMARA conformance suite (the
  upstream Test_definitions) against it. Each failing scenario is an item of the to-do list.
- \`npx camara-webrtc update --from <CAMARA release folder> --release <name>\`: vendors a new
  release, carries the overlays in \`api-definitions/overlays/\` that still apply (and names those
  that no longer do), regenerates and prints what changed; \`npm run typecheck\` then fails exactly in
  the handlers that must change.

\`npm start\` serves the app on 127.0.0.1:9091 (PORT, HOST). Without AUTH_ISSUER, AUTH_AUDIENCE and
AUTH_JWKS_URL it runs a development token issuer at /dev-issuer: never expose it.
`;
}
