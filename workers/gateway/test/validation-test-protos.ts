import type { DescMessage } from "@bufbuild/protobuf";
import { testProtos } from "./load-test-protos.ts";

// Test-only messages covering the standard rules the edge implements (and, in Skipped
// and Re2OnlyPatterns, rules it deliberately leaves to the services):
// protos/validation/test/v1/cases.proto.

const pkg = "validation.test.v1";

export const testRegistry = await testProtos;

export function testMessage(name: string): DescMessage {
  const desc = testRegistry.getMessage(`${pkg}.${name}`);
  if (desc === undefined) throw new Error(`no test message ${name}`);
  return desc;
}
