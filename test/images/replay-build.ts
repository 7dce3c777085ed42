// Replays the stages of a service Dockerfile in temp folders: the same COPY
// sources (the repository as build context, or an earlier stage with --from) and
// RUN commands, the context filtered by .dockerignore as Docker filters it. What the install stage ends with is the /app the image's final
// stage copies and runs.
import { execSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { dockerIgnoreOf } from "./docker-ignore.ts";
import type { Stage } from "./dockerfile.ts";

/** A replayed stage: `dir` stands for its filesystem root, `appDir` for its last WORKDIR. */
export interface ReplayedStage {
  appDir: string;
  dir: string;
}

/** Replays `stage`; `COPY --from=<name>` reads from `earlier[name]`, a stage replayed before. */
export function replayStage(root: string, stage: Stage, earlier: Record<string, ReplayedStage> = {}): ReplayedStage {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-image-"));
  const ignored = dockerIgnoreOf(root);
  let workdir = dir;
  for (const { keyword, args } of stage.instructions) {
    if (keyword === "WORKDIR") {
      workdir = join(dir, args);
      mkdirSync(workdir, { recursive: true });
    } else if (keyword === "COPY") {
      const from = /--from=(\S+)/.exec(args)?.[1];
      if (from !== undefined && !earlier[from]) throw new Error(`COPY --from=${from}: no such stage replayed before`);
      const parts = args.split(" ").filter((p) => !p.startsWith("--"));
      const target = parts.pop()!;
      for (const source of parts) {
        const destination = target.endsWith("/") || parts.length > 1 ? join(workdir, target, source.split("/").at(-1)!) : join(workdir, target);
        mkdirSync(dirname(destination), { recursive: true });
        if (from !== undefined) cpSync(join(earlier[from]!.dir, source), destination, { recursive: true });
        else cpSync(join(root, source), destination, { recursive: true, filter: (src) => !ignored(relative(root, src).split(sep).join("/")) });
      }
    } else if (keyword === "RUN") {
      // The build reaches the registry the way any npm call on this machine does
      // (its CA and proxy settings); only the running service gets a bare environment.
      execSync(args, { cwd: workdir, stdio: "pipe", env: process.env });
    }
  }
  return { appDir: workdir, dir };
}
