/**
 * Offline checks of the Terraform in terraform/ (run by `npm test`, or `npx vitest run terraform`).
 *
 * - `terraform fmt -check` over the whole tree;
 * - services module (AWS): `init -backend=false` against the offline provider mirror
 *   (terraform/.terraformrc), `validate`, and `terraform test` with a mocked AWS provider
 *   (modules/services/tests/*.tftest.hcl), in a temporary copy so nothing lands in the tree;
 * - edge module (Cloudflare, provider not installable offline): structural checks on the
 *   parsed HCL - binding names must match what the gateway Worker reads from `env`;
 * - production env root: structural checks of the wiring between the two modules.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@cdktf/hcl2json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Secret-text bindings the gateway Worker reads from `env` (values shared with the services). */
export const WORKER_SECRET_BINDINGS = ["SERVICE_TOKEN_SECRET", "JWT_SECRET"] as const;
/** Workers `ratelimit` bindings the gateway Worker reads from `env`. */
export const WORKER_RATELIMIT_BINDINGS = ["RATE_LIMITER"] as const;
/**
 * Plain-text bindings expected when the root wrangler config does not exist yet. Once it
 * exists, its `[vars]` are the source of truth and this list is not used.
 */
export const WORKER_PLAIN_TEXT_FALLBACK = ["USER_SERVICE_URL", "UPSTREAM_TIMEOUT_MS"] as const;

const TERRAFORM_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(TERRAFORM_DIR, "..");
const SERVICES_DIR = join(TERRAFORM_DIR, "modules", "services");
const EDGE_DIR = join(TERRAFORM_DIR, "modules", "edge");
const PRODUCTION_DIR = join(TERRAFORM_DIR, "envs", "production");
const CLI_CONFIG = join(TERRAFORM_DIR, ".terraformrc");
const WRANGLER_CONFIGS = ["wrangler.toml", "wrangler.jsonc", "wrangler.json"].map((f) => join(REPO_ROOT, f));

// --- terraform CLI -----------------------------------------------------------------------

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
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

// --- HCL parsing ----------------------------------------------------------------------

type Hcl = Record<string, any>;

/** Parse every *.tf file of a directory (not recursive) and merge the top-level blocks. */
async function parseTerraformDir(dir: string): Promise<Hcl> {
  const merged: Hcl = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tf")).sort()) {
    const parsed: Hcl = await parse(file, readFileSync(join(dir, file), "utf8"));
    for (const [kind, value] of Object.entries(parsed)) {
      if (Array.isArray(value)) {
        merged[kind] = [...(merged[kind] ?? []), ...value];
      } else if (kind === "resource" || kind === "data") {
        merged[kind] ??= {};
        for (const [type, byName] of Object.entries(value as Hcl)) {
          merged[kind][type] = { ...(merged[kind][type] ?? {}), ...(byName as Hcl) };
        }
      } else {
        merged[kind] = { ...(merged[kind] ?? {}), ...(value as Hcl) };
      }
    }
  }
  return merged;
}

function single<T = Hcl>(blocks: T[] | undefined, what: string): T {
  expect(blocks, `${what} is missing`).toBeDefined();
  expect(blocks, `${what} must be declared exactly once`).toHaveLength(1);
  return blocks![0];
}

function requiredProvider(hcl: Hcl, name: string): { source?: string; version?: string } | undefined {
  for (const tf of hcl.terraform ?? []) {
    for (const rp of tf.required_providers ?? []) {
      if (rp[name]) return rp[name];
    }
  }
  return undefined;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

// --- Worker config (read with wrangler's own parser) -------------------------------------

type WorkerContract = {
  source: string;
  plainText: string[];
  ratelimits: string[] | null;
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
    return { source: "WORKER_PLAIN_TEXT_FALLBACK", plainText: [...WORKER_PLAIN_TEXT_FALLBACK], ratelimits: null, compatibility: null };
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
  let declaresRatelimits = false;
  for (const env of envs) {
    for (const name of Object.keys(env.vars ?? {})) plainText.add(name);
    for (const rl of env.ratelimits ?? []) {
      declaresRatelimits = true;
      ratelimits.add(rl.name);
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
    // A temporary copy: .terraform/ and any lock file stay out of the source tree.
    workDir = mkdtempSync(join(tmpdir(), "grpc-edge-tf-services-"));
    cpSync(SERVICES_DIR, workDir, {
      recursive: true,
      filter: (src) => !src.split(sep).includes(".terraform") && !/\.tfstate(\.|$)/.test(src),
    });
    init = terraform(["init", "-backend=false", "-input=false"], workDir);
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("terraform init -backend=false installs hashicorp/aws from the offline mirror", () => {
    console.log(`terraform init -backend=false: ${summary(init.output, /initialized|Installed|Using/)}`);
    expect(init.error).toBeUndefined();
    expect(init.status, init.output).toBe(0);
    expect(init.output).toMatch(/hashicorp\/aws v5\.\d+\.\d+/);
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
    expect(Number(m![1])).toBeGreaterThanOrEqual(10);
  }, 300_000);
});

describe("edge module (Cloudflare v5): structure and Worker binding contract", () => {
  let edge: Hcl;
  let script: Hcl;
  let bindings: Hcl[];
  let worker: WorkerContract;

  const namesOfType = (type: string) => sorted(bindings.filter((b) => b.type === type).map((b) => b.name));

  beforeAll(async () => {
    edge = await parseTerraformDir(EDGE_DIR);
    script = single(edge.resource?.cloudflare_workers_script?.gateway, "resource cloudflare_workers_script.gateway");
    bindings = script.bindings;
    worker = await readWorkerContract();
  }, 60_000);

  it("requires cloudflare/cloudflare >= 5.19 (v5 schema)", () => {
    const cf = requiredProvider(edge, "cloudflare");
    expect(cf?.source).toBe("cloudflare/cloudflare");
    expect(cf?.version).toMatch(/>=\s*5\.19\b/);
    expect(cf?.version).toMatch(/<\s*6\.0\b/);
  });

  it("deploys the wrangler dry-run bundle as an ES module from content_file + content_sha256", () => {
    expect(script.content_file).toBe("${var.bundle_path}");
    expect(script.content_sha256).toBe("${filesha256(var.bundle_path)}");
    expect(script.main_module).toBe("${basename(var.bundle_path)}");
    expect(script.content, "use content_file, not inline content").toBeUndefined();
    expect(script.body_part, "a module Worker uses main_module, not body_part").toBeUndefined();
  });

  it("has a list of bindings with unique names", () => {
    expect(Array.isArray(bindings)).toBe(true);
    const names = bindings.map((b) => b.name);
    expect(new Set(names).size, `duplicate binding names: ${names.join(", ")}`).toBe(names.length);
    for (const b of bindings) expect(["plain_text", "secret_text", "ratelimit"]).toContain(b.type);
  });

  it("plain_text bindings match the Worker's [vars]", () => {
    expect(
      namesOfType("plain_text"),
      `plain_text bindings in terraform/modules/edge/main.tf must equal the vars of ${worker.source}`,
    ).toEqual(sorted(worker.plainText));
    expect(namesOfType("plain_text")).toEqual(expect.arrayContaining(["USER_SERVICE_URL", "UPSTREAM_TIMEOUT_MS"]));
  });

  it("secret_text bindings are WORKER_SECRET_BINDINGS, fed from sensitive variables", () => {
    expect(namesOfType("secret_text")).toEqual(sorted(WORKER_SECRET_BINDINGS));
    for (const b of bindings.filter((x) => x.type === "secret_text")) {
      const m = /^\$\{var\.([a-z0-9_]+)\}$/.exec(b.text ?? "");
      expect(m, `${b.name} must come straight from a variable`).not.toBeNull();
      const variable = single(edge.variable?.[m![1]], `variable ${m![1]}`);
      expect(variable.sensitive, `variable ${m![1]} (${b.name}) must be sensitive`).toBe(true);
    }
  });

  it("ratelimit binding RATE_LIMITER has a namespace id and a simple limit/period", () => {
    expect(namesOfType("ratelimit")).toEqual(sorted(WORKER_RATELIMIT_BINDINGS));
    if (worker.ratelimits) expect(namesOfType("ratelimit"), `ratelimits of ${worker.source}`).toEqual(worker.ratelimits);
    for (const b of bindings.filter((x) => x.type === "ratelimit")) {
      expect(b.namespace_id, `${b.name}.namespace_id`).toBeTruthy();
      expect(b.simple?.limit, `${b.name}.simple.limit`).toBeTruthy();
      expect(b.simple?.period, `${b.name}.simple.period`).toBeTruthy();
    }
  });

  it("USER_SERVICE_URL and UPSTREAM_TIMEOUT_MS come from module inputs", () => {
    const byName = Object.fromEntries(bindings.map((b) => [b.name, b]));
    expect(byName.USER_SERVICE_URL.text).toBe("${var.user_service_url}");
    expect(byName.UPSTREAM_TIMEOUT_MS.text).toBe("${tostring(var.upstream_timeout_ms)}");
    expect(single(edge.variable?.upstream_timeout_ms, "variable upstream_timeout_ms").default).toBe(3000);
  });

  it("uploads the /docs static assets from wrangler.toml's [assets] folder, with the same settings", async () => {
    const configPath = WRANGLER_CONFIGS.find((p) => existsSync(p));
    const wrangler: any = await import("wrangler");
    const assets = configPath ? wrangler.experimental_readRawConfig({ config: configPath }).rawConfig.assets : undefined;
    expect(assets?.directory, "wrangler.toml declares [assets]").toBeTruthy();
    expect(script.assets?.directory).toBe("${local.assets_directory}");
    // Cloudflare's defaults where wrangler.toml leaves a setting out.
    expect(script.assets?.config).toEqual({
      html_handling: assets.html_handling ?? "auto-trailing-slash",
      not_found_handling: assets.not_found_handling ?? "none",
      run_worker_first: assets.run_worker_first ?? false,
    });
    // The default folder is wrangler's: ${path.module}/<relative> from the module.
    const locals = Object.assign({}, ...(edge.locals ?? []));
    const relativeDefault = /abspath\("\$\{path\.module\}\/([^"]+)"\)/.exec(locals.assets_directory ?? "")?.[1];
    expect(relativeDefault, `locals.assets_directory = ${locals.assets_directory}`).toBeDefined();
    expect(resolve(EDGE_DIR, relativeDefault!)).toBe(resolve(dirname(configPath!), assets.directory));
    expect(locals.assets_directory).toContain("var.assets_directory");
  });

  it("enables observability (Workers Logs)", () => {
    expect(script.observability?.enabled).toBe(true);
    expect(script.observability?.logs?.enabled).toBe(true);
  });

  it("routes public traffic to the script via a Workers route and/or custom domain", () => {
    const route = single(edge.resource?.cloudflare_workers_route?.gateway, "cloudflare_workers_route.gateway");
    const domain = single(edge.resource?.cloudflare_workers_custom_domain?.gateway, "cloudflare_workers_custom_domain.gateway");
    expect(route.script).toBe("${cloudflare_workers_script.gateway.script_name}");
    expect(route.pattern).toBe("${var.route_pattern}");
    expect(route.zone_id).toBe("${var.zone_id}");
    expect(domain.service).toBe("${cloudflare_workers_script.gateway.script_name}");
    expect(domain.hostname).toBe("${var.custom_domain}");
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

  it("wires module.services' ALB URL into module.edge's USER_SERVICE_URL", async () => {
    expect(edgeModule.user_service_url).toBe("${module.services.user_service_url}");
    const servicesHcl = await parseTerraformDir(SERVICES_DIR);
    const output = single(servicesHcl.output?.user_service_url, "output user_service_url of the services module");
    expect(output.value).toBe("https://${var.user_service_domain_name}");
    const edgeHcl = await parseTerraformDir(EDGE_DIR);
    const script = single(edgeHcl.resource.cloudflare_workers_script.gateway, "cloudflare_workers_script.gateway");
    expect(script.bindings.find((b: Hcl) => b.name === "USER_SERVICE_URL")?.text).toBe("${var.user_service_url}");
  });

  it("passes the same sensitive secrets to the services and the Worker", () => {
    for (const [input, variable] of [
      ["service_token_secret", "var.service_token_secret"],
      ["jwt_secret", "var.jwt_secret"],
    ]) {
      expect(services[input]).toBe(`\${${variable}}`);
      // With a JWKS URL the Worker verifies RS256/ES256 and must not also get an HS256 key.
      const edgeValue = input === "jwt_secret" ? `\${var.jwt_jwks_url == "" ? ${variable} : ""}` : `\${${variable}}`;
      expect(edgeModule[input]).toBe(edgeValue);
      expect(single(env.variable?.[input], `variable ${input}`).sensitive).toBe(true);
    }
  });

  it("builds the bundle path the gateway build produces", () => {
    const bundle = single(env.variable?.gateway_bundle_path, "variable gateway_bundle_path");
    expect(edgeModule.bundle_path).toBe("${var.gateway_bundle_path}");
    expect(resolve(PRODUCTION_DIR, bundle.default)).toBe(join(REPO_ROOT, "dist", "gateway", "index.js"));
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

  it("requires both providers with the same constraints as the modules", () => {
    expect(requiredProvider(env, "aws")?.source).toBe("hashicorp/aws");
    expect(requiredProvider(env, "cloudflare")?.version).toMatch(/>=\s*5\.19\b/);
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
