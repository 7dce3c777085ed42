// Finds promises that are started, left without a handler while something else is awaited,
// and handled only later: if one rejects in that window, Node reports an unhandled rejection
// (vitest then fails the run, at random). `.ci/run` runs this before the tests.
//
//   node scripts/check-promise-handling.ts [file…]   (default: every tracked .ts file)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseSync } from "oxc-parser";

export interface Finding {
  file: string;
  line: number;
  message: string;
}

// oxc's ESTree nodes, as far as this check reads them.
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && typeof (value as Node).type === "string";

const functionTypes = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "parent") continue;
    if (Array.isArray(value)) out.push(...value.filter(isNode));
    else if (isNode(value)) out.push(value);
  }
  return out;
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const child of children(node)) walk(child, visit);
}

/** Whether `node` awaits anything when it runs (nested functions do not run here). */
function awaits(node: Node): boolean {
  if (node.type === "AwaitExpression" || (node.type === "ForOfStatement" && node.await === true)) return true;
  if (functionTypes.has(node.type)) return false;
  return children(node).some(awaits);
}

const isCall = (node: unknown): boolean => isNode(node) && node.type === "CallExpression";
const isIdentifier = (node: unknown, name: string): boolean => isNode(node) && node.type === "Identifier" && node.name === name;

/** An array literal of two or more calls: every call starts at once. */
const isEagerCallArray = (node: unknown): boolean =>
  isNode(node) && node.type === "ArrayExpression" && (node.elements as unknown[]).filter(isCall).length >= 2;

/** `xs.map(async (x) => …)` or `xs.map((x) => call(x))`: one call started per element. */
function isMapOfCalls(node: unknown): boolean {
  if (!isNode(node) || node.type !== "CallExpression" || !isNode(node.callee) || node.callee.type !== "MemberExpression") return false;
  const [mapper] = node.arguments as Node[];
  return isIdentifier(node.callee.property, "map") && mapper !== undefined && functionTypes.has(mapper.type) &&
    (mapper.async === true || isCall(mapper.body));
}

/** Calls whose promise already has a handler (or cannot reject). */
function isHandledCall(node: Node): boolean {
  const callee = node.callee as Node;
  if (isIdentifier(callee, "leftInFlight")) return true;
  if (callee.type !== "MemberExpression" || !isNode(callee.property)) return false;
  const method = callee.property.name;
  return method === "catch" || (method === "then" && (node.arguments as Node[]).length === 2) ||
    (isIdentifier(callee.object, "Promise") && method === "allSettled");
}

/** A loop that awaits inside while it walks a list of already started calls. */
function awaitingLoopOver(node: Node, list: (right: Node) => boolean): boolean {
  return node.type === "ForOfStatement" && isNode(node.right) && list(node.right) && (node.await === true || awaits(node.body as Node));
}

/** Where a reference to the promise `name` gives it a handler: `await p`, `p.catch(…)`, `expect(p).rejects`, `Promise.all([p])`… */
function handles(node: Node, name: string): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return;
    if (n.type === "AwaitExpression" && isIdentifier(n.argument, name)) found = true;
    else if (n.type === "ReturnStatement" && isIdentifier(n.argument, name)) found = true;
    else if (n.type === "MemberExpression" && isIdentifier(n.object, name) && isNode(n.property) &&
      ["then", "catch", "finally"].includes(n.property.name as string)) found = true;
    else if (n.type === "CallExpression" && (n.arguments as Node[]).some((a) => isIdentifier(a, name) ||
      (a.type === "ArrayExpression" && (a.elements as Node[]).some((e) => isIdentifier(e, name))))) found = true;
    else if (awaitingLoopOver(n, (right) => isIdentifier(right, name))) found = true;
  });
  return found;
}

/** `expect(p).rejects` / `expect(p).resolves`. */
const isExpectSettled = (node: Node, name: string): boolean =>
  node.type === "MemberExpression" && isNode(node.property) && ["rejects", "resolves"].includes(node.property.name as string) &&
  isNode(node.object) && node.object.type === "CallExpression" && isIdentifier((node.object.arguments as Node[])[0], name);

/**
 * Whether `name` is awaited later in `node` — then it holds a promise (or, for a list, promises
 * walked by an awaiting loop).
 */
function awaitedLater(node: Node, name: string, list: boolean): boolean {
  let found = false;
  walk(node, (n) => {
    if (list) found ||= awaitingLoopOver(n, (right) => isIdentifier(right, name));
    else found ||= (n.type === "AwaitExpression" && isIdentifier(n.argument, name)) || isExpectSettled(n, name);
  });
  return found;
}

/** A statement list: a variable that starts a promise, then an await of something else before the promise is handled. */
function checkStatements(statements: Node[], report: (node: Node, message: string) => void): void {
  statements.forEach((statement, index) => {
    if (statement.type !== "VariableDeclaration") return;
    for (const declarator of statement.declarations as Node[]) {
      if (!isNode(declarator.id) || declarator.id.type !== "Identifier" || !isNode(declarator.init)) continue;
      const init = declarator.init;
      const name = declarator.id.name as string;
      const list = isEagerCallArray(init) || isMapOfCalls(init);
      if (!list && (init.type !== "CallExpression" || isHandledCall(init))) continue;
      const rest = statements.slice(index + 1);
      if (!rest.some((s) => awaitedLater(s, name, list))) continue;
      for (const later of rest) {
        if (handles(later, name)) break;
        if (awaits(later)) {
          report(declarator, `'${name}' is started here but something else is awaited before it gets a handler; ` +
            "await it, attach .catch, or use Promise.allSettled");
          break;
        }
      }
    }
  });
}

export function checkSource(file: string, source: string): Finding[] {
  const { program, errors } = parseSync(file, source);
  if (errors.length > 0) return [{ file, line: 1, message: `does not parse: ${errors[0]!.message}` }];
  const lineOf = (offset: number) => source.slice(0, offset).split("\n").length;
  const findings: Finding[] = [];
  const report = (node: Node, message: string) => findings.push({ file, line: lineOf(node.start), message });
  walk(program as unknown as Node, (node) => {
    if (awaitingLoopOver(node, isEagerCallArray)) {
      report(node, "the calls in this array all start at once, and each waits unhandled while an earlier one is awaited; " +
        "await each call inside the loop, or use Promise.allSettled");
    }
    if (node.type === "Program" || node.type === "BlockStatement") checkStatements(node.body as Node[], report);
    if (node.type === "SwitchCase") checkStatements(node.consequent as Node[], report);
  });
  return findings;
}

function trackedTypeScript(): string[] {
  const out = execFileSync("git", ["ls-files", "*.ts", ":!:proto/gen/**", ":!:**/*.d.ts"], { encoding: "utf8" });
  return out.split("\n").filter(Boolean);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : trackedTypeScript();
  const findings = files.flatMap((file) => checkSource(file, readFileSync(file, "utf8")));
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.message}`);
  if (findings.length > 0) {
    console.error(`${findings.length} promise(s) may reject with no handler (see scripts/check-promise-handling.ts)`);
    process.exit(1);
  }
  console.log(`promise handling ok (${files.length} files)`);
}
