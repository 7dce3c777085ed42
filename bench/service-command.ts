// How a service process is started: the way its image does (the Dockerfile's CMD
// and its NODE_* ENV, on the esbuild bundle), or from the TypeScript sources as
// `npm run dev` does. The bench measures the image's way.
import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { envOf, execForm, imageBuildArgs, last, parseDockerfile } from "../test/images/dockerfile.ts";
import type { ServiceName } from "./seed-data.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ServiceCommand {
  /** node's arguments: flags, then the entry file (relative to the repository root). */
  args: string[];
  /** Environment the way of running sets itself (NODE_OPTIONS, MALLOC_ARENA_MAX). */
  env: Record<string, string>;
}

/**
 * The image's CMD (`node …`) and the variables of its final stage's ENV that tune the
 * runtime (of the checkout at `base`): NODE_* for node and V8, MALLOC_* for glibc's
 * allocator. NODE_ENV and the deployment's settings (HOST, PORT, …) are start-stack's.
 */
export function imageCommand(service: ServiceName, base = root): ServiceCommand {
  const final = parseDockerfile(join(base, "services", "Dockerfile"), imageBuildArgs[service]).stages.at(-1)!;
  const [command, ...args] = execForm(last(final, "CMD")) ?? [];
  if (command !== "node") throw new Error(`services/Dockerfile (SERVICE=${service}): CMD does not run node`);
  // The image's /app is the repository root here: its entry, relative to the final WORKDIR, becomes relative to the root.
  const workdir = relative("/app", last(final, "WORKDIR")?.args ?? "/app");
  const entry = args.pop()!;
  const env = Object.fromEntries(Object.entries(envOf(final)).filter(([key]) => (key.startsWith("NODE_") && key !== "NODE_ENV") || key.startsWith("MALLOC_")));
  return { args: [...args, join(workdir, entry)], env };
}

/** `node services/<svc>/src/main.ts`: the TypeScript sources, as `npm run dev` and the tests run them. */
export function sourceCommand(service: ServiceName): ServiceCommand {
  return { args: [`services/${service}/src/main.ts`], env: {} };
}

/** `npm run build` of both services: the bundles the image's CMD runs. */
export function buildServices(): void {
  for (const service of ["order", "user"] as const) {
    execFileSync(process.execPath, [join(root, "scripts/build-service.ts"), service], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  }
}
