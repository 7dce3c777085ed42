// The container contract, proven without a Docker engine: (1) the Dockerfile
// follows the rules, (2) replaying their build here gives an app that starts
// exactly as the image's CMD does — production dependencies only, configured by
// environment alone — serves, reports healthy and drains on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, grpc, usePostgresCluster, TEST_SERVICE_TOKEN_SECRET, violationsOf, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envOf, execForm, imageBuildArgs, last, parseDockerfile, type Dockerfile } from "./dockerfile.ts";
import { dockerIgnoreOf } from "./docker-ignore.ts";
import { replayStage } from "./replay-build.ts";
import { grpcJsClients } from "../../services/user/test/grpc-js-clients.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const services = ["order", "user"] as const;
// One Dockerfile for both services, built with each service's build args.
const dockerfilePath = join(root, "services", "Dockerfile");
const dockerfiles = Object.fromEntries(services.map((s) => [s, parseDockerfile(dockerfilePath, imageBuildArgs[s])])) as Record<
  (typeof services)[number],
  Dockerfile
>;

describe("services/Dockerfile", () => {
  it("takes the service and its port as build args, without defaults: every build names them", () => {
    expect(parseDockerfile(dockerfilePath).args).toMatchObject({ SERVICE: "", PORT: "" });
    for (const service of services) expect(dockerfiles[service].args).toMatchObject(imageBuildArgs[service]);
  });
});

describe.each(services)("services/Dockerfile with SERVICE=%s", (service) => {
  const file = dockerfiles[service];
  const final = file.stages.at(-1)!;

  it("is multi-stage on a Node 24 slim base pinned to an exact version", () => {
    expect(file.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of file.stages) expect(stage.from).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim$/);
  });

  it("installs production dependencies only, without install scripts", () => {
    const runs = file.stages.flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r) && r.includes("--ignore-scripts"))).toBe(true);
    for (const run of runs.filter((r) => /npm (ci|install)\b/.test(r))) expect(run).toContain("--ignore-scripts");
  });

  it("bundles the service in a build stage and ships only the bundle from it", () => {
    const build = file.stages.find((s) => s.name === "build")!;
    expect(build.instructions.some((i) => i.keyword === "RUN" && i.args.includes(`npm run build --workspace services/${service}`))).toBe(true);
    const fromBuild = file.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === "COPY" && i.args.includes("--from=build"));
    expect(fromBuild.map((i) => i.args)).toEqual([`--from=build /app/services/${service}/dist services/${service}/dist`]);
  });

  it("runs as a non-root user, under an init, with an exec-form CMD on the bundle", () => {
    expect(last(final, "USER")?.args).toMatch(/^(?!root\b|0\b)\w+/);
    expect(execForm(last(final, "ENTRYPOINT"))?.[0]).toMatch(/tini$/);
    expect(last(final, "WORKDIR")?.args).toBe(`/app/services/${service}`);
    expect(execForm(last(final, "CMD"))).toEqual(["node", "dist/main.js"]);
  });

  it("has a HEALTHCHECK on the service's readiness endpoint", () => {
    expect(last(final, "HEALTHCHECK")?.args).toContain("/readyz");
  });

  it("listens on all interfaces on its documented port", () => {
    const env = envOf(final);
    expect(env.HOST).toBe("0.0.0.0");
    expect(env.PORT).toBe(service === "order" ? "50052" : "50051");
    // The RPC port, then METRICS_PORT's default (services/kit/src/base-config.ts).
    expect(last(final, "EXPOSE")?.args).toBe(`${env.PORT} 9464`);
  });
});

describe(".dockerignore", () => {
  const ignored = dockerIgnoreOf(root);

  it("keeps dependencies, local data, VCS and secrets out of the build context", () => {
    for (const path of ["node_modules/esbuild/package.json", "services/user/node_modules/x/index.js", "services/order/.data/pg/PG_VERSION", ".git/HEAD", ".env", ".env.production", ".dev.vars"]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  // A source left out of the context fails `docker build` (or, inside a folder, builds an
  // image without it), which nothing on this machine would otherwise notice.
  it.each(services)("sends every file the Dockerfile COPYs from the context with SERVICE=%s; inside them only tests stay out", (service) => {
    const sources = dockerfiles[service].stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === "COPY" && !i.args.includes("--from="))
        .flatMap((i) => i.args.split(" ").filter((p) => !p.startsWith("--")).slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(10);
    const leftOut: string[] = [];
    for (const source of sources) {
      expect(existsSync(join(root, source)), `${source} exists`).toBe(true);
      const files = statSync(join(root, source)).isDirectory() ? readdirSync(join(root, source), { recursive: true, encoding: "utf8" }).map((f) => `${source}/${f}`) : [source];
      for (const file of files) if (statSync(join(root, file)).isFile() && ignored(file)) leftOut.push(file);
    }
    expect(leftOut.filter((file) => !file.endsWith(".test.ts"))).toEqual([]);
  });
});

describe("the images, replayed on this machine", { timeout: 180_000 }, () => {
  let cluster: PostgresCluster;
  // The /app of each image: the install stage, with the bundle from the build stage.
  const built: Record<string, string> = {};
  const tempDirs: string[] = [];

  beforeAll(async () => {
    cluster = await usePostgresCluster();
    for (const service of services) {
      const stages = dockerfiles[service].stages;
      const build = replayStage(root, stages.find((s) => s.name === "build")!);
      const install = replayStage(root, stages.find((s) => s.name === "install")!, { build });
      built[service] = install.appDir;
      tempDirs.push(build.dir, install.dir);
    }
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("contain the bundle, no sources, no tests and no dev dependencies", () => {
    for (const service of services) {
      const app = built[service]!;
      const modules = join(app, "node_modules");
      expect(existsSync(join(app, `services/${service}/dist/main.js`))).toBe(true);
      expect(existsSync(join(app, `services/${service}/dist/main.js.map`))).toBe(true);
      for (const gone of [`services/${service}/src`, `services/${service}/test`, "services/kit/src", "proto/gen"]) expect(existsSync(join(app, gone))).toBe(false);
      // PGlite is outside the bundle (its .wasm and .data files sit next to its code).
      expect(existsSync(join(modules, "@electric-sql/pglite"))).toBe(true);
      for (const dev of ["esbuild", "vitest", "wrangler", "typescript", "@grpc/grpc-js", "@bufbuild/buf"]) expect(existsSync(join(modules, dev))).toBe(false);
    }
  });

  function run(service: (typeof services)[number], env: Record<string, string>) {
    const final = dockerfiles[service].stages.at(-1)!;
    const [command, ...args] = execForm(last(final, "CMD"))!;
    // Only the image's ENV plus what the orchestrator injects; `node` is the image's node.
    // The final stage's WORKDIR, inside the /app it copies from the install stage.
    const workdir = relative("/app", last(final, "WORKDIR")!.args);
    const child = spawn(command === "node" ? process.execPath : command!, args, {
      cwd: join(built[service]!, workdir),
      env: { ...envOf(final), METRICS_PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (c) => (output += c));
    child.stderr!.on("data", (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, exited, output: () => output };
  }

  async function healthy(port: number): Promise<void> {
    // What the HEALTHCHECK does, against the running process.
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0), { timeout: 30_000, interval: 200 }).toBe(200);
  }

  it("serve gRPC with the database given as parts (as ECS injects it), report healthy, and drain on SIGTERM", async () => {
    const url = new URL(cluster.url);
    const database = (name: string) => ({
      DATABASE_HOST: url.hostname,
      DATABASE_PORT: url.port,
      DATABASE_USER: "postgres",
      DATABASE_PASSWORD: "unused-with-trust-auth",
      DATABASE_NAME: name,
      SEED_DEMO_DATA: "true",
      LOG_LEVEL: "info",
      // Injected from Secrets Manager in ECS; the test clients sign with the same key.
      SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
    });
    // The cluster may be the run's shared one: it names the databases.
    const nameOf = (databaseUrl: string) => new URL(databaseUrl).pathname.slice(1);
    const orders = nameOf(await cluster.createDatabase("image_orders"));
    const users = nameOf(await cluster.createDatabase("image_users"));
    const [orderPort, userPort] = [await freePort(), await freePort()];
    const order = run("order", { ...database(orders), PORT: String(orderPort) });
    const user = run("user", { ...database(users), PORT: String(userPort), ORDER_SERVICE_URL: `http://127.0.0.1:${orderPort}` });
    try {
      await healthy(orderPort);
      await healthy(userPort);
      const clients = grpcJsClients(`http://127.0.0.1:${userPort}`);
      const res = await clients.call(clients.user, "GetUserById", { id: 1 });
      expect(res.user.first_name).toBe("Petar");
      expect(res.user.orders).toHaveLength(3);
      // Request validation and the order-service facade work from the production install.
      const invalid = await clients.fail(clients.user, "GetUserById", { id: 0 });
      expect([invalid.code, violationsOf(invalid)]).toEqual([grpc.status.INVALID_ARGUMENT, ["id: must be greater than 0"]]);
      expect((await clients.call(clients.order, "CreateOrder", { user_id: 3, item_id: 4, amount: 1 })).status).toBe("ORDER_STATUS_PLACED");
      // Service-token checks (jose) work from the production install too.
      const anonymous = grpcJsClients(`http://127.0.0.1:${userPort}`, null);
      expect((await anonymous.fail(anonymous.user, "GetUserById", { id: 1 })).code).toBe(grpc.status.UNAUTHENTICATED);
      anonymous.close();
      clients.close();
      expect(user.output()).toContain('"database":"postgres"');

      user.child.kill("SIGTERM");
      order.child.kill("SIGTERM");
      expect(await user.exited).toBe(0);
      expect(await order.exited).toBe(0);
      expect(user.output()).toContain('"drained":true');
    } finally {
      user.child.kill("SIGKILL");
      order.child.kill("SIGKILL");
    }
  });

  it("fall back to embedded PGlite without a database server (PGlite loaded from outside the bundle)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "grpc-edge-image-pglite-"));
    tempDirs.push(dataDir);
    const port = await freePort();
    const order = run("order", { PORT: String(port), PGLITE_DATA_DIR: dataDir, SEED_DEMO_DATA: "true", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET });
    try {
      await healthy(port);
      const clients = grpcJsClients(`http://127.0.0.1:${port}`);
      expect((await clients.call(clients.order, "GetItem", { id: 1 })).name).toBe("pencil");
      clients.close();
      expect(order.output()).toContain('"database":"pglite"');
      order.child.kill("SIGTERM");
      expect(await order.exited).toBe(0);
    } finally {
      order.child.kill("SIGKILL");
    }
  });
});
