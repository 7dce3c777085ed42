import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { envOf, imageBuildArgs, parseDockerfile } from "../test/images/dockerfile.ts";
import { imageCommand } from "./service-command.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

describe.each(["order", "user"] as const)("imageCommand(%s)", (service) => {
  const imageEnv = envOf(parseDockerfile(join(root, "services", "Dockerfile"), imageBuildArgs[service]).stages.at(-1)!);

  it("runs the bundle the image's CMD runs", () => {
    expect(imageCommand(service).args.at(-1)).toBe(`services/${service}/dist/main.js`);
  });

  it("sets the image's runtime tuning (node, V8 and glibc's allocator), and none of its deployment settings", () => {
    const { env } = imageCommand(service);
    expect(env).toEqual({ NODE_OPTIONS: imageEnv.NODE_OPTIONS, MALLOC_ARENA_MAX: imageEnv.MALLOC_ARENA_MAX });
    expect(env.NODE_OPTIONS).toContain("--max-semi-space-size=");
    expect(env.MALLOC_ARENA_MAX).toMatch(/^\d+$/);
  });
});
