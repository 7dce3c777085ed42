import { createFileRegistry, fromBinary, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

// The test-only .proto files in test/protos — services and rules the contract does not
// have — compiled at test time by the buf the contract is built with, once per test
// process. Their imports resolve as in proto/: buf/validate and google/api from
// proto/vendor, google/protobuf from buf itself. Nothing is written to disk.

type ExecFile = (
  file: string,
  args: string[],
  options: { cwd: string; encoding: "buffer"; maxBuffer: number },
  callback: (error: Error | null, stdout: Uint8Array, stderr: Uint8Array) => void,
) => unknown;

// Node's modules by name, at run time, and import.meta as Node has it: the src/ tests
// import this file, so it is also type-checked with the Worker's types, which leave
// Node out on purpose.
const nodeModule = (name: string): Promise<unknown> => import(name);
const here = (import.meta as ImportMeta & { url: string }).url;

// buf takes module paths relative to the workspace only, hence the repository root as
// the input, with a config on the command line rather than a buf.yaml beside the files.
const config = { version: "v2", modules: [{ path: "workers/gateway/test/protos" }, { path: "proto/vendor" }] };

async function compile(): Promise<FileRegistry> {
  const { execFile } = (await nodeModule("node:child_process")) as { execFile: ExecFile };
  const { fileURLToPath } = (await nodeModule("node:url")) as { fileURLToPath: (url: URL) => string };
  const repoRoot = fileURLToPath(new URL("../../../", here));
  const buf = fileURLToPath(new URL("../../../node_modules/.bin/buf", here));
  const args = ["build", ".", "--config", JSON.stringify(config), "-o", "-#format=binpb"];
  const image = await new Promise<Uint8Array>((resolve, reject) => {
    execFile(buf, args, { cwd: repoRoot, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`buf build of workers/gateway/test/protos failed:\n${new TextDecoder().decode(stderr)}`, { cause: error }));
    });
  });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
}

/** Every file in test/protos, with what it imports. */
export const testProtos: Promise<FileRegistry> = compile();
