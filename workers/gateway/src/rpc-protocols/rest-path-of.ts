import type { Message } from "@bufbuild/protobuf";
import type { HttpBinding } from "../transcoding/http-bindings.ts";

/**
 * The REST path the same request would have used, e.g. CancelOrder{id: 5} →
 * "/api/orders/5:cancel": what a write made over Connect or gRPC-Web invalidates in the
 * edge cache, exactly as the REST write would (cache/resource-tags.ts reads paths).
 */
export function restPathOf(binding: HttpBinding, message: Message): string {
  const { segments, variables, verb } = binding.template;
  const parts: string[] = [];
  for (let i = 0; i < segments.length; ) {
    const v = variables.findIndex((variable) => variable.start === i);
    if (v === -1) {
      const segment = segments[i]!;
      parts.push(segment.kind === "literal" ? segment.value : "*");
      i += 1;
      continue;
    }
    let value: unknown = message;
    for (const field of binding.pathFields[v]?.fields ?? []) value = (value as Record<string, unknown> | undefined)?.[field.localName];
    parts.push(encodeURIComponent(String(value ?? "")));
    i = Math.max(variables[v]!.end, i + 1);
  }
  return `/${parts.join("/")}${verb === undefined ? "" : `:${verb}`}`;
}
