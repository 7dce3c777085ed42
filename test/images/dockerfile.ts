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
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(path: string): Dockerfile {
  const logical = readFileSync(path, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "ARG" && stages.length === 0) {
      const [name, value = ""] = rest.split("=");
      args[name!] = value;
    } else if (upper === "FROM") {
      const [image, as, name] = rest.split(/\s+/);
      stages.push({ from: image!.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? ""), name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: rest.replace(/\s+/g, " ") });
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
