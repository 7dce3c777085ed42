import { protoCamelCase, type Path } from "@bufbuild/protobuf/reflect";

/** A violation's path in REST (proto3 JSON) naming: `userIds[3]`, `book.author.name`, `labels["k"]`. */
export function pathToJson(path: Path): string {
  let out = "";
  for (const element of path) {
    switch (element.kind) {
      case "field":
        out += (out === "" ? "" : ".") + element.jsonName;
        break;
      case "oneof":
        // Not localName: that one is escaped for JavaScript (`constructor$`).
        out += (out === "" ? "" : ".") + protoCamelCase(element.name);
        break;
      case "extension":
        out += `[${element.typeName}]`;
        break;
      case "list_sub":
        out += `[${element.index}]`;
        break;
      case "map_sub":
        out += `[${typeof element.key === "string" ? JSON.stringify(element.key) : String(element.key)}]`;
        break;
    }
  }
  return out;
}
