// vitest globalSetup: the docs assets and the gateway's Worker bundle, built once for the
// whole run (wrangler takes seconds per build); every startGateway in every test file reads it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildGatewayBundle } from "./start-gateway.ts";

interface Shared {
  dir: Promise<string>;
  users: number;
}

// Projects may load this module separately; the run's main process is one.
const key = Symbol.for("grpc-edge.test.gateway-bundle");
const registry = globalThis as { [key]?: Shared };

async function build(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "grpc-edge-gateway-"));
  try {
    await buildGatewayBundle(dir);
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const shared = (registry[key] ??= { dir: build(), users: 0 });
  shared.users += 1;
  let dir: string;
  try {
    dir = await shared.dir;
  } catch (error) {
    delete registry[key];
    throw error;
  }
  project.provide("gatewayBundleDir", dir);
  return () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[key];
    rmSync(dir, { recursive: true, force: true });
  };
}
