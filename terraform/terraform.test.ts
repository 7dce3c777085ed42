/**
 * Offline checks of the Terraform in terraform/ (run by `npm test`, or `npx vitest run terraform`).
 *
 * - `terraform fmt -check` over the whole tree;
 * - services module (AWS): `init -backend=false` against the offline provider mirror
 *   (terraform/.terraformrc), `validate`, and `terraform test` with a mocked AWS provider
 *   (modules/services/tests/*.tftest.hcl), in a temporary copy so nothing lands in the tree;
 * - services module structure the mocked plan cannot show (routes vs proto annotations,
 *   depends_on);
 * - edge module (Cloudflare, provider not installable offline): structural checks on the
 *   parsed HCL - binding names must match what the gateway Worker reads from `env`
 *   (terraform/edge-schema.test.ts checks its attributes against the provider's schema);
 * - production env root: structural checks of the wiring between the two modules.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfigSpec } from "@grpc-edge/service-kit";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { RDS_CA_BUNDLE_IMAGE_PATH } from "../scripts/rds-ca-bundle.ts";
import { type Hcl, parseTerraformDir, requiredProvider, single, sorted } from "./hcl-test-kit.ts";

/** Secret-text bindings of the production Worker (values shared with the services). */
export const WORKER_SECRET_BINDINGS = ["SERVICE_TOKEN_SECRET"] as const;
/** Secrets the Worker reads in development only (HS256 end-user tokens): never bound in production. */
export const DEV_ONLY_SECRET_BINDINGS = ["JWT_SECRET"] as const;
/** Workers `ratelimit` bindings the gateway Worker reads from `env`. */
export const WORKER_RATELIMIT_BINDINGS = ["AUTH_FAILURE_LIMITER", "RATE_LIMITER"] as const;
/** The module input each ratelimit binding takes its namespace and limit from. */
const RATELIMIT_INPUTS: Record<(typeof WORKER_RATELIMIT_BINDINGS)[number], string> = { RATE_LIMITER: "rate_limit", AUTH_FAILURE_LIMITER: "auth_failure_limit" };
/** Fetcher bindings of the production Worker: every upstream call goes through SERVICES when bound. */
export const WORKER_FETCHER_BINDINGS = ["SERVICES"] as const;
/**
 * Plain-text bindings expected when the root wrangler config does not exist yet. Once it
 * exists, its `[vars]` are the source of truth and this list is not used.
 */
export const WORKER_PLAIN_TEXT_FALLBACK = ["USER_SERVICE_URL", "ORDER_SERVICE_URL", "UPSTREAM_TIMEOUT_MS"] as const;

const TERRAFORM_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(TERRAFORM_DIR, "..");
const SERVICES_DIR = join(TERRAFORM_DIR, "modules", "services");
const EDGE_DIR = join(TERRAFORM_DIR, "modules", "edge");
const PRODUCTION_DIR = join(TERRAFORM_DIR, "envs", "production");
const PROTO_DIR = join(REPO_ROOT, "proto");
const CLI_CONFIG = join(TERRAFORM_DIR, ".terraformrc");
const WRANGLER_CONFIGS = ["wrangler.toml", "wrangler.jsonc", "wrangler.json"].map((f) => join(REPO_ROOT, f));

// --- terraform CLI -----------------------------------------------------------------------

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
// A laptop without terraform skips its checks; CI never does.
if (process.env.CI && !hasTerraform) throw new Error("CI needs terraform (and the offline hashicorp/aws mirror) for the Terraform checks");
if (!hasTerraform) {
  console.warn(
    "[terraform.test.ts] `terraform` was not found on PATH: SKIPPING terraform fmt/validate/test. " +
      "Install Terraform >= 1.11 to run them; the structural HCL checks still run.",
  );
}

/** Environment for terraform: offline mirror, no cache dir, no stray TF_VAR_* from the shell. */
function terraformEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith("TF_VAR_") ||
      key.startsWith("TF_CLI_ARGS") ||
      ["TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE", "TF_LOG", "TF_LOG_PATH"].includes(key)
    ) {
      delete env[key];
    }
  }
  return { ...env, TF_CLI_CONFIG_FILE: CLI_CONFIG, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}

function terraform(args: string[], cwd: string, timeoutMs = 120_000) {
  const r = spawnSync("terraform", [...args, "-no-color"], {
    cwd,
    env: terraformEnv(),
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 32 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  return { status: r.status, output, error: r.error };
}

/** The last line matching `pattern`, for the test log. */
function summary(output: string, pattern: RegExp): string {
  return output.split("\n").filter((l) => pattern.test(l)).pop()?.trim() ?? "(no summary line)";
}

// --- Worker config (read with wrangler's own parser) -------------------------------------

type WorkerContract = {
  source: string;
  plainText: string[];
  ratelimits: string[] | null;
  /** Rate-limit namespace ids the wrangler config (dev, previews) counts in. */
  ratelimitNamespaces: string[];
  /** null until the wrangler config exists. */
  compatibility: { date: string | undefined; flags: string[] } | null;
};

async function readWorkerContract(): Promise<WorkerContract> {
  const configPath = WRANGLER_CONFIGS.find((p) => existsSync(p));
  if (!configPath) {
    console.warn(
      `[terraform.test.ts] No wrangler config at the repo root yet (the gateway engineer is creating it): ` +
        `checking plain_text bindings against WORKER_PLAIN_TEXT_FALLBACK = ${WORKER_PLAIN_TEXT_FALLBACK.join(", ")}.`,
    );
    return { source: "WORKER_PLAIN_TEXT_FALLBACK", plainText: [...WORKER_PLAIN_TEXT_FALLBACK], ratelimits: null, ratelimitNamespaces: [], compatibility: null };
  }
  const wrangler: any = await import("wrangler");
  if (typeof wrangler.experimental_readRawConfig !== "function") {
    throw new Error("wrangler no longer exports experimental_readRawConfig; update readWorkerContract() in terraform/terraform.test.ts");
  }
  const { rawConfig } = wrangler.experimental_readRawConfig({ config: configPath });
  // Vars are not inherited by wrangler environments: a production env must redeclare them.
  const envs = [rawConfig, rawConfig.env?.production].filter(Boolean);
  const plainText = new Set<string>();
  const ratelimits = new Set<string>();
  const namespaces = new Set<string>();
  let declaresRatelimits = false;
  for (const env of envs) {
    for (const name of Object.keys(env.vars ?? {})) plainText.add(name);
    for (const rl of env.ratelimits ?? []) {
      declaresRatelimits = true;
      ratelimits.add(rl.name);
      namespaces.add(String(rl.namespace_id));
    }
    for (const b of env.unsafe?.bindings ?? []) {
      if (b.type === "ratelimit") {
        declaresRatelimits = true;
        ratelimits.add(b.name);
      }
    }
  }
  return {
    source: relative(REPO_ROOT, configPath),
    plainText: sorted(plainText),
    ratelimits: declaresRatelimits ? sorted(ratelimits) : null,
    ratelimitNamespaces: sorted(namespaces),
    compatibility: {
      date: rawConfig.env?.production?.compatibility_date ?? rawConfig.compatibility_date,
      flags: sorted(rawConfig.env?.production?.compatibility_flags ?? rawConfig.compatibility_flags ?? []),
    },
  };
}

// =========================================================================================

describe.skipIf(!hasTerraform)("terraform fmt", () => {
  it("terraform fmt -check -recursive terraform/ reports no changes", () => {
    const r = terraform(["fmt", "-check", "-recursive", "-diff", "terraform/"], REPO_ROOT, 60_000);
    console.log(`terraform fmt -check -recursive terraform/: exit ${r.status}${r.status === 0 ? " (all files formatted)" : ""}`);
    expect(r.error).toBeUndefined();
    expect(r.status, `Run \`terraform fmt -recursive terraform/\`:\n${r.output}`).toBe(0);
  });
});

describe.skipIf(!hasTerraform)("services module (AWS): init, validate, terraform test", () => {
  let workDir = "";
  let init: ReturnType<typeof terraform>;

  beforeAll(() => {
    // A temporary copy: .terraform/ stays out of the source tree; the committed lock file goes along.
    workDir = mkdtempSync(join(tmpdir(), "grpc-edge-tf-services-"));
    cpSync(SERVICES_DIR, workDir, {
      recursive: true,
      filter: (src) => !src.split(sep).includes(".terraform") && !/\.tfstate(\.|$)/.test(src),
    });
    init = terraform(["init", "-backend=false", "-input=false", "-lockfile=readonly"], workDir);
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("terraform init -backend=false -lockfile=readonly installs hashicorp/aws from the offline mirror, as locked", () => {
    console.log(`terraform init -backend=false: ${summary(init.output, /initialized|Installed|Using/)}`);
    expect(init.error).toBeUndefined();
    expect(init.status, init.output).toBe(0);
    expect(init.output).toMatch(/hashicorp\/aws v5\.100\.0/);
    for (const dir of [SERVICES_DIR, PRODUCTION_DIR]) {
      const lock = readFileSync(join(dir, ".terraform.lock.hcl"), "utf8");
      expect(lock, `${relative(REPO_ROOT, dir)}/.terraform.lock.hcl locks hashicorp/aws`).toMatch(/provider "registry\.terraform\.io\/hashicorp\/aws" \{\s+version\s+= "5\.100\.0"/);
    }
  });

  it("terraform validate", () => {
    const r = terraform(["validate"], workDir);
    console.log(`terraform validate: ${summary(r.output, /Success!|Error/)}`);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("Success! The configuration is valid.");
  }, 120_000);

  it("terraform test (mock_provider aws): every run passes", () => {
    const r = terraform(["test"], workDir, 300_000);
    const line = summary(r.output, /(Success|Failure)!.*passed/);
    console.log(`terraform test: ${line}`);
    expect(r.status, r.output).toBe(0);
    const m = /Success! (\d+) passed, 0 failed/.exec(r.output);
    expect(m, r.output).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(29);
  }, 300_000);
});

/**
 * A copy of terraform/ in which the edge module keeps its interface (variables.tf, output
 * names) but has no Cloudflare resources, and the production root requires only aws: what
 * `terraform validate` of the root can check offline against the real services module.
 */
function stubEdgeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-tf-root-"));
  cpSync(TERRAFORM_DIR, dir, { recursive: true, filter: (src) => !src.split(sep).includes(".terraform") && !src.endsWith(".ts") });
  const edge = join(dir, "modules", "edge");
  const outputs = [...readFileSync(join(edge, "outputs.tf"), "utf8").matchAll(/^output "(\w+)"/gm)].map((m) => m[1]);
  for (const file of readdirSync(edge).filter((f) => f.endsWith(".tf") && f !== "variables.tf")) rmSync(join(edge, file));
  writeFileSync(
    join(edge, "outputs.tf"),
    outputs.map((name) => `output "${name}" {\n  value     = "stub-${name}-0123456789abcdef0123456789abcdef"\n  sensitive = true\n}\n`).join("\n"),
  );
  const providers = join(dir, "envs", "production", "providers.tf");
  const text = readFileSync(providers, "utf8");
  const stripped = text.replace(/\n    cloudflare = \{[^}]*\}/, "").replace(/\nprovider "cloudflare" \{\}\n/, "\n");
  expect(stripped, "providers.tf of the production root no longer has the shape this stub expects").not.toBe(text);
  writeFileSync(providers, stripped);
  return dir;
}

describe.skipIf(!hasTerraform)("production env root: terraform validate against the real services module (edge stubbed)", () => {
  let dir = "";

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("terraform init -backend=false && terraform validate", () => {
    dir = stubEdgeCopy();
    const root = join(dir, "envs", "production");
    const init = terraform(["init", "-backend=false", "-input=false", "-lockfile=readonly"], root);
    expect(init.status, init.output).toBe(0);
    const r = terraform(["validate"], root);
    console.log(`terraform validate (production root, edge stubbed): ${summary(r.output, /Success!|Error/)}`);
    expect(r.status, r.output).toBe(0);
  }, 180_000);

  it("terraform test with terraform.tfvars.example (mocked aws): every value passes the validations and the root applies", () => {
    expect(dir, "the stubbed copy is made by the test before").not.toBe("");
    const root = join(dir, "envs", "production");
    // The services tests' mocks and overrides, addressed inside module.services.
    const servicesTest = readFileSync(join(SERVICES_DIR, "tests", "services.tftest.hcl"), "utf8");
    const mocks = servicesTest.slice(servicesTest.indexOf('mock_provider "aws"'), servicesTest.indexOf("\nvariables {"));
    expect(mocks).toContain("override_resource");
    mkdirSync(join(root, "tests"));
    writeFileSync(
      join(root, "tests", "root.tftest.hcl"),
      `${mocks.replaceAll("target = aws_", "target = module.services.aws_")}
run "example_variables_apply" {
  command = apply
  variables {
    service_token_secret = "test-service-token-secret-0123456789abcdef"
  }
  assert {
    condition     = output.origin_hostname == "internal-grpc-edge-test-123456789.eu-west-1.elb.amazonaws.com"
    error_message = "origin_hostname must be the internal ALB's DNS name."
  }
  assert {
    condition     = output.ecs_service_names == { user = "user", order = "order", cloudflared = "cloudflared" }
    error_message = "The root deploys user, order and cloudflared."
  }
}
`,
    );
    cpSync(join(PRODUCTION_DIR, "terraform.tfvars.example"), join(root, "example.tfvars"));
    const r = terraform(["test", "-var-file=example.tfvars"], root, 300_000);
    console.log(`terraform test (production root, terraform.tfvars.example): ${summary(r.output, /(Success|Failure)!.*passed/)}`);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("Success! 1 passed, 0 failed.");
  }, 300_000);
});

/** `/package.Service/Method` of every RPC with a google.api.http annotation in proto/. */
function annotatedRpcPaths(): string[] {
  const paths: string[] = [];
  const protoFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (["gen", "vendor", "node_modules"].includes(e.name) ? [] : protoFiles(join(dir, e.name))) : e.name.endsWith(".proto") ? [join(dir, e.name)] : [],
    );
  for (const file of protoFiles(PROTO_DIR)) {
    const text = readFileSync(file, "utf8").replace(/\/\/.*$/gm, "");
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
    for (const service of text.matchAll(/service\s+(\w+)\s*\{/g)) {
      // Each rpc up to the next one (or the end of the service): annotated when its options name google.api.http.
      const body = text.slice(service.index! + service[0].length);
      const end = body.search(/^\}/m);
      const rpcs = [...body.slice(0, end === -1 ? undefined : end).matchAll(/\brpc\s+(\w+)\s*\(/g)];
      rpcs.forEach((rpc, i) => {
        const text = body.slice(rpc.index!, rpcs[i + 1]?.index ?? (end === -1 ? undefined : end));
        if (text.includes("google.api.http")) paths.push(`/${pkg}.${service[1]}/${rpc[1]}`);
      });
    }
  }
  return sorted(paths);
}

describe("services module (AWS): structure the mocked plan cannot show", () => {
  let services: Hcl;

  beforeAll(async () => {
    services = await parseTerraformDir(SERVICES_DIR);
  }, 60_000);

  it("the internal ALB forwards exactly the RPCs that have a REST binding, each to one service", () => {
    const locals = Object.assign({}, ...(services.locals ?? []));
    const routes: Record<string, string[]> = locals.public_rpc_paths;
    const all = Object.values(routes).flat();
    expect(new Set(all).size, "an RPC path may be routed to one service only").toBe(all.length);
    expect(sorted(all), "public_rpc_paths in terraform/modules/services/main.tf must list every annotated RPC").toEqual(annotatedRpcPaths());
    expect(annotatedRpcPaths()).toContain("/orders.v1.OrderService/GetOrder");
    expect(all.some((p) => p.includes("GetOrdersByUserId")), "internal RPCs are never routed").toBe(false);
  });

  it("the ECS services of user and order wait for the database instances, not just the clusters", () => {
    const ecs = single(services.resource.aws_ecs_service.this, "aws_ecs_service.this");
    expect(ecs.depends_on).toEqual(expect.arrayContaining(["${aws_rds_cluster_instance.this}", "${aws_lb_listener_rule.route}"]));
    expect(ecs.wait_for_steady_state).toBe(true);
  });

  it("passes the services only variables they read, the CA bundle at the path the image ships it (DATABASE_CA_FILE)", () => {
    const ecs = readFileSync(join(SERVICES_DIR, "ecs.tf"), "utf8");
    const block = ecs.slice(ecs.indexOf("container_environment = {"), ecs.indexOf("log_configuration = {"));
    const passed = [...block.matchAll(/(?:^\s+|\{\s*)([A-Z][A-Z0-9_]+)\s+=/gm)].map((m) => m[1]!);
    expect(passed).toEqual(expect.arrayContaining(["DATABASE_AUTH", "DATABASE_CA_FILE", "DATABASE_SSLMODE", "AWS_REGION", "ORDER_SERVICE_URL"]));
    const read = new Set([...Object.keys(baseConfigSpec("any", 0)), ...Object.keys(orderServiceDefinition.config), ...Object.keys(userServiceDefinition.config)]);
    // NODE_ENV is Node's own convention, not a setting of the services.
    expect(passed.filter((name) => name !== "NODE_ENV" && !read.has(name)), "set in ecs.tf but read by no service").toEqual([]);
    const variables = readFileSync(join(SERVICES_DIR, "variables.tf"), "utf8");
    expect(variables).toMatch(new RegExp(`variable "rds_ca_bundle_path" \\{[^}]*default\\s+=\\s+"${RDS_CA_BUNDLE_IMAGE_PATH}"`));
  });

  it("the services tier knows nothing of end-user tokens (no JWT_SECRET)", () => {
    for (const file of readdirSync(SERVICES_DIR).filter((f) => f.endsWith(".tf"))) {
      const code = readFileSync(join(SERVICES_DIR, file), "utf8").replace(/#.*$/gm, "");
      expect(code, file).not.toMatch(/jwt/i);
    }
  });
});

describe("edge module (Cloudflare v5): structure and Worker binding contract", () => {
  let edge: Hcl;
  let version: Hcl;
  let bindings: Hcl[];
  let worker: WorkerContract;

  const namesOfType = (type: string) => sorted(bindings.filter((b) => b.type === type).map((b) => b.name));

  beforeAll(async () => {
    edge = await parseTerraformDir(EDGE_DIR);
    version = single(edge.resource?.cloudflare_worker_version?.gateway, "resource cloudflare_worker_version.gateway");
    bindings = version.bindings;
    worker = await readWorkerContract();
  }, 60_000);

  it("uploads the wrangler dry-run bundle, its source map and the _headers rules as modules of one version", () => {
    expect(version.main_module).toBe("${local.main_module}");
    const locals = Object.assign({}, ...(edge.locals ?? []));
    expect(locals.main_module).toBe("${basename(var.bundle_path)}");
    expect(locals.source_map_path).toBe('${coalesce(var.source_map_path, "${var.bundle_path}.map")}');
    expect(version.modules).toEqual([
      { name: "${local.main_module}", content_type: "application/javascript+module", content_file: "${var.bundle_path}" },
      { name: "${basename(local.source_map_path)}", content_type: "application/source-map", content_file: "${local.source_map_path}" },
      { name: "_headers", content_type: "text/plain", content_file: "${local.headers_file}" },
    ]);
    expect(edge.resource?.cloudflare_workers_script, "one module per cloudflare_workers_script: no source maps").toBeUndefined();
  });

  it("deploys that version to 100 % and serves it only on the custom domain / route", () => {
    const deployment = single(edge.resource?.cloudflare_workers_deployment?.gateway, "cloudflare_workers_deployment.gateway");
    expect(deployment.versions).toEqual([{ version_id: "${cloudflare_worker_version.gateway.id}", percentage: 100 }]);
    const gateway = single(edge.resource?.cloudflare_worker?.gateway, "cloudflare_worker.gateway");
    expect(gateway.subdomain).toEqual({ enabled: false, previews_enabled: false });
    expect(gateway.observability?.enabled).toBe(true);
    expect(gateway.observability?.logs?.enabled).toBe(true);
    const route = single(edge.resource?.cloudflare_workers_route?.gateway, "cloudflare_workers_route.gateway");
    const domain = single(edge.resource?.cloudflare_workers_custom_domain?.gateway, "cloudflare_workers_custom_domain.gateway");
    expect(route.script).toBe("${cloudflare_workers_deployment.gateway.script_name}");
    expect(route.pattern).toBe("${var.route_pattern}");
    expect(domain.service).toBe("${cloudflare_workers_deployment.gateway.script_name}");
    expect(domain.hostname).toBe("${var.custom_domain}");
  });

  it("uploads only docs/ as assets (never _headers as a file), with wrangler.toml's [assets] settings", async () => {
    const configPath = WRANGLER_CONFIGS.find((p) => existsSync(p));
    const wrangler: any = await import("wrangler");
    const assets = configPath ? wrangler.experimental_readRawConfig({ config: configPath }).rawConfig.assets : undefined;
    expect(assets?.directory, "wrangler.toml declares [assets]").toBeTruthy();
    expect(version.assets?.directory).toBe("${var.assets_directory}");
    expect(version.assets?.config).toEqual({
      html_handling: assets.html_handling ?? "auto-trailing-slash",
      not_found_handling: assets.not_found_handling ?? "none",
      run_worker_first: assets.run_worker_first ?? false,
    });
    const locals = Object.assign({}, ...(edge.locals ?? []));
    expect(locals.wrangler_assets_directory).toBe("${local.repo_root}/workers/gateway/dist/assets");
    expect(resolve(EDGE_DIR, "../../..", "workers/gateway/dist/assets")).toBe(resolve(dirname(configPath!), assets.directory));
    expect(locals.headers_file).toBe('${coalesce(var.assets_headers_file, "${local.wrangler_assets_directory}/_headers")}');
    const preconditions = JSON.stringify(version.lifecycle);
    expect(preconditions).toContain('!fileexists(\\"${var.assets_directory}/_headers\\")');
  });

  it("has a list of bindings with unique names", () => {
    const names = bindings.map((b) => b.name);
    expect(new Set(names).size, `duplicate binding names: ${names.join(", ")}`).toBe(names.length);
    for (const b of bindings) expect(["plain_text", "secret_text", "ratelimit", "vpc_service", "assets"]).toContain(b.type);
  });

  it("binds the static assets under wrangler.toml's [assets] binding name", async () => {
    const configPath = WRANGLER_CONFIGS.find((p) => existsSync(p));
    const wrangler: any = await import("wrangler");
    const assets = configPath ? wrangler.experimental_readRawConfig({ config: configPath }).rawConfig.assets : undefined;
    expect(namesOfType("assets")).toEqual(assets?.binding === undefined ? [] : [assets.binding]);
  });

  it("plain_text bindings match the Worker's [vars]", () => {
    expect(
      namesOfType("plain_text"),
      `plain_text bindings in terraform/modules/edge/main.tf must equal the vars of ${worker.source}`,
    ).toEqual(sorted(worker.plainText));
    expect(namesOfType("plain_text")).toEqual(expect.arrayContaining(["USER_SERVICE_URL", "ORDER_SERVICE_URL", "ADMIN_CLAIM", "ADMIN_CLAIM_VALUE"]));
  });

  it("secret_text bindings are WORKER_SECRET_BINDINGS, fed from sensitive variables; JWT_SECRET (HS256, dev) is not bound", () => {
    expect(namesOfType("secret_text")).toEqual(sorted(WORKER_SECRET_BINDINGS));
    for (const name of DEV_ONLY_SECRET_BINDINGS) expect(bindings.map((b) => b.name)).not.toContain(name);
    expect(edge.variable?.jwt_secret, "no HS256 key input in production").toBeUndefined();
    for (const b of bindings.filter((x) => x.type === "secret_text")) {
      const m = /^\$\{var\.([a-z0-9_]+)\}$/.exec(b.text ?? "");
      expect(m, `${b.name} must come straight from a variable`).not.toBeNull();
      const variable = single(edge.variable?.[m![1]], `variable ${m![1]}`);
      expect(variable.sensitive, `variable ${m![1]} (${b.name}) must be sensitive`).toBe(true);
    }
  });

  it("JWT_JWKS_URL is required (no default) and must be https", () => {
    const jwks = single(edge.variable?.jwt_jwks_url, "variable jwt_jwks_url");
    expect("default" in jwks, "jwt_jwks_url has no default: production must name its identity provider").toBe(false);
    expect(JSON.stringify(jwks.validation)).toContain("^https://");
  });

  it("SERVICES is the Workers VPC service in front of the tunnel to the internal ALB", () => {
    expect(namesOfType("vpc_service")).toEqual(sorted(WORKER_FETCHER_BINDINGS));
    const vpc = single(edge.resource?.cloudflare_connectivity_directory_service?.origin, "cloudflare_connectivity_directory_service.origin");
    expect(vpc.type).toBe("http");
    expect(vpc.host).toEqual({ hostname: "${var.origin_hostname}", resolver_network: { tunnel_id: "${cloudflare_zero_trust_tunnel_cloudflared.origin.id}" } });
    const tunnel = single(edge.resource?.cloudflare_zero_trust_tunnel_cloudflared?.origin, "cloudflare_zero_trust_tunnel_cloudflared.origin");
    expect(tunnel.config_src).toBe("cloudflare");
    const output = single(edge.output?.tunnel_token, "output tunnel_token");
    expect(output.value).toBe("${data.cloudflare_zero_trust_tunnel_cloudflared_token.origin.token}");
    expect(output.sensitive).toBe(true);
  });

  it("ratelimit bindings RATE_LIMITER and AUTH_FAILURE_LIMITER each have a namespace id and a simple limit/period from their own input", () => {
    expect(namesOfType("ratelimit")).toEqual(sorted(WORKER_RATELIMIT_BINDINGS));
    if (worker.ratelimits) expect(namesOfType("ratelimit"), `ratelimits of ${worker.source}`).toEqual(worker.ratelimits);
    for (const b of bindings.filter((x) => x.type === "ratelimit")) {
      const input = RATELIMIT_INPUTS[b.name as keyof typeof RATELIMIT_INPUTS];
      expect(b.namespace_id, `${b.name}.namespace_id`).toBe(`\${var.${input}.namespace_id}`);
      expect(b.simple).toEqual({ limit: `\${var.${input}.limit}`, period: `\${var.${input}.period}` });
    }
  });

  it("URLs and timeouts come from module inputs", () => {
    const byName = Object.fromEntries(bindings.map((b) => [b.name, b]));
    expect(byName.USER_SERVICE_URL.text).toBe("${var.user_service_url}");
    expect(byName.ORDER_SERVICE_URL.text).toBe("${var.order_service_url}");
    expect(byName.UPSTREAM_TIMEOUT_MS.text).toBe("${tostring(var.upstream_timeout_ms)}");
    expect(byName.PUBLIC_READS.text).toBe("${tostring(var.public_reads)}");
    expect(single(edge.variable?.public_reads, "variable public_reads").default).toBe(false);
    expect(single(edge.variable?.upstream_timeout_ms, "variable upstream_timeout_ms").default).toBe(3000);
  });
});

describe("production env root: wiring", () => {
  let env: Hcl;
  let services: Hcl;
  let edgeModule: Hcl;

  beforeAll(async () => {
    env = await parseTerraformDir(PRODUCTION_DIR);
    services = single(env.module?.services, 'module "services"');
    edgeModule = single(env.module?.edge, 'module "edge"');
  }, 60_000);

  it("uses the two local modules", () => {
    expect(services.source).toBe("../../modules/services");
    expect(edgeModule.source).toBe("../../modules/edge");
  });

  it("points both service URLs and the VPC service at the internal ALB, and hands the tunnel token to cloudflared", async () => {
    expect(edgeModule.user_service_url).toBe("${module.services.origin_url}");
    expect(edgeModule.order_service_url).toBe("${module.services.origin_url}");
    expect(edgeModule.origin_hostname).toBe("${module.services.origin_hostname}");
    expect(services.tunnel_token).toBe("${module.edge.tunnel_token}");
    const servicesHcl = await parseTerraformDir(SERVICES_DIR);
    expect(single(servicesHcl.output?.origin_url, "output origin_url").value).toBe("${local.origin_url}");
    expect(Object.assign({}, ...servicesHcl.locals).origin_url).toBe("http://${aws_lb.this.dns_name}");
    expect(single(servicesHcl.output?.origin_hostname, "output origin_hostname").value).toBe("${aws_lb.this.dns_name}");
  });

  it("passes the same sensitive service token secret to the services and the Worker, and no JWT secret at all", () => {
    expect(services.service_token_secret).toBe("${var.service_token_secret}");
    expect(edgeModule.service_token_secret).toBe("${var.service_token_secret}");
    expect(single(env.variable?.service_token_secret, "variable service_token_secret").sensitive).toBe(true);
    expect(env.variable?.jwt_secret).toBeUndefined();
    expect(services.jwt_secret).toBeUndefined();
    expect(edgeModule.jwt_secret).toBeUndefined();
    expect(edgeModule.jwt_jwks_url).toBe("${var.jwt_jwks_url}");
    expect("default" in single(env.variable?.jwt_jwks_url, "variable jwt_jwks_url")).toBe(false);
  });

  it("gives production its own rate-limit namespaces, one per binding, none that wrangler.toml (dev, previews) counts in", async () => {
    const worker = await readWorkerContract();
    expect(worker.ratelimitNamespaces.length).toBeGreaterThan(0);
    const production = Object.values(RATELIMIT_INPUTS).map((input) => {
      expect(edgeModule[input], `module "edge" ${input}`).toBe(`\${var.${input}}`);
      return single(env.variable?.[input], `variable ${input}`).default.namespace_id as string;
    });
    expect(new Set(production).size).toBe(production.length);
    for (const namespace of production) expect(worker.ratelimitNamespaces).not.toContain(namespace);
  });

  it("sizes both services through one map(object) keyed user and order", () => {
    const variable = single(env.variable?.services, "variable services");
    expect(variable.type).toMatch(/^\$\{map\(object\(/);
    expect(Object.keys(variable.default).sort()).toEqual(["order", "user"]);
    expect(services.services).toContain("for svc, sizing in var.services");
  });

  it("builds the bundle and assets paths the gateway build produces", () => {
    const bundle = single(env.variable?.gateway_bundle_path, "variable gateway_bundle_path");
    expect(edgeModule.bundle_path).toBe("${var.gateway_bundle_path}");
    expect(resolve(PRODUCTION_DIR, bundle.default)).toBe(join(REPO_ROOT, "dist", "gateway", "index.js"));
    const assets = single(env.variable?.gateway_assets_directory, "variable gateway_assets_directory");
    expect(edgeModule.assets_directory).toBe("${var.gateway_assets_directory}");
    expect(resolve(PRODUCTION_DIR, assets.default)).toBe(join(REPO_ROOT, "dist", "gateway-assets"));
  });

  it("keeps the Worker's compatibility_date and compatibility_flags equal to the wrangler config", async () => {
    expect(edgeModule.compatibility_date).toBe("${var.worker_compatibility_date}");
    expect(edgeModule.compatibility_flags).toBe("${var.worker_compatibility_flags}");
    const worker = await readWorkerContract();
    if (!worker.compatibility) return; // no wrangler config yet (warned above)
    const date = single(env.variable?.worker_compatibility_date, "variable worker_compatibility_date").default;
    const flags = single(env.variable?.worker_compatibility_flags, "variable worker_compatibility_flags").default;
    expect(date, `worker_compatibility_date default must equal compatibility_date of ${worker.source}`).toBe(worker.compatibility.date);
    expect(sorted(flags ?? []), `worker_compatibility_flags default must equal compatibility_flags of ${worker.source}`).toEqual(
      worker.compatibility.flags,
    );
  });

  it("requires both providers with the same constraints as the modules", async () => {
    const servicesHcl = await parseTerraformDir(SERVICES_DIR);
    const edgeHcl = await parseTerraformDir(EDGE_DIR);
    expect(requiredProvider(env, "aws")).toEqual(requiredProvider(servicesHcl, "aws"));
    expect(requiredProvider(env, "cloudflare")).toEqual(requiredProvider(edgeHcl, "cloudflare"));
  });

  it("documents every input in terraform.tfvars.example", () => {
    const example = readFileSync(join(PRODUCTION_DIR, "terraform.tfvars.example"), "utf8");
    const missing = Object.keys(env.variable ?? {}).filter(
      (name) => !new RegExp(`^\\s*#?\\s*${name}\\s*=`, "m").test(example),
    );
    expect(missing, "variables missing from terraform.tfvars.example").toEqual([]);
  });

  it("types and describes every variable of every module", async () => {
    for (const dir of [SERVICES_DIR, EDGE_DIR, PRODUCTION_DIR]) {
      const hcl = await parseTerraformDir(dir);
      for (const [name, blocks] of Object.entries<Hcl[]>(hcl.variable ?? {})) {
        const v = blocks[0];
        expect(v.type, `${relative(TERRAFORM_DIR, dir)}: variable ${name} needs a type`).toBeTruthy();
        expect(String(v.description ?? "").length, `${relative(TERRAFORM_DIR, dir)}: variable ${name} needs a description`).toBeGreaterThan(10);
      }
    }
  });

  it("git-ignores tfvars, state and .terraform/, but not the examples or lock files", () => {
    const gitOk = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (gitOk.status !== 0) {
      console.warn("[terraform.test.ts] not a git work tree: skipping the .gitignore check");
      return;
    }
    const ignored = (p: string) => spawnSync("git", ["check-ignore", "-q", "--no-index", p], { cwd: REPO_ROOT }).status === 0;
    for (const p of [
      "terraform/envs/production/terraform.tfvars",
      "terraform/envs/production/secrets.auto.tfvars",
      "terraform/envs/production/terraform.tfstate",
      "terraform/envs/production/terraform.tfstate.backup",
      "terraform/envs/production/.terraform/providers/x",
      "terraform/envs/production/backend.hcl",
    ]) {
      expect(ignored(p), `${p} must be git-ignored`).toBe(true);
    }
    for (const p of [
      "terraform/envs/production/terraform.tfvars.example",
      "terraform/envs/production/backend.hcl.example",
      "terraform/envs/production/.terraform.lock.hcl",
      "terraform/modules/services/.terraform.lock.hcl",
    ]) {
      expect(ignored(p), `${p} must NOT be git-ignored`).toBe(false);
    }
  });
});
