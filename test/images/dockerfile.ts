// A small reader for the project's Dockerfiles: enough of the syntax (stages,
// line continuations, exec-form JSON, ENV key=value) to check their rules and
// to replay an image build on this machine, where no Docker engine runs.
import { readFileSync } from "node:fs";

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** The ARGs before the first FROM, with their defaults overridden by the build args. */
  args: Record<string, string>;
  stages: Stage[];
}

/** The build args of each service's image (`docker build --build-arg …` of services/Dockerfile). */
export const imageBuildArgs = {
  order: { SERVICE: "order", PORT: "50052" },
  user: { SERVICE: "user", PORT: "50051" },
} as const satisfies Record<string, Record<string, string>>;

/**
 * Reads a Dockerfile as `docker build` with `buildArgs` sees it: `${NAME}` is replaced in FROM
 * by the global ARGs, in a stage's instructions by the ARGs that stage declares (Docker's scope
 * rule); an ARG without a value and without a build arg is empty, as in Docker.
 */
export function parseDockerfile(path: string, buildArgs: Record<string, string> = {}): Dockerfile {
  const logical = readFileSync(path, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  let scope: Record<string, string> = {};
  const expand = (text: string, vars: Record<string, string>) => text.replace(/\$\{(\w+)\}/g, (_, n: string) => vars[n] ?? "");
  for (const line of logical) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "ARG") {
      const [name = "", value] = rest.split("=");
      const resolved = buildArgs[name] ?? (value !== undefined ? expand(value, scope) : stages.length === 0 ? undefined : args[name]) ?? "";
      if (stages.length === 0) args[name] = resolved;
      else scope[name] = resolved;
    }
    if (upper === "FROM") {
      const [image, as, name] = rest.split(/\s+/);
      scope = {};
      stages.push({ from: expand(image!, args), name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: upper, args: expand(rest.replace(/\s+/g, " "), scope) });
    }
  }
  return { args, stages };
}

/** `ENV A=1 B=2` lines of a stage, merged. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== "ENV") continue;
    for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, "");
  }
  return env;
}

/** The JSON array of an exec-form instruction, or undefined for shell form. */
export function execForm(instruction: Instruction | undefined): string[] | undefined {
  if (!instruction) return undefined;
  const args = instruction.args.replace(/^--\S+\s+/g, "");
  const json = args.startsWith("CMD ") ? args.slice(4) : args;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}
