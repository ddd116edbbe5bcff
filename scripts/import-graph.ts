// The workspace's import graph, read with the TypeScript parser, and the rules CONTRIBUTING.md sets for it:
// each package imports only the packages below it, the SDK host's parts only the parts to their left, and
// no package imports itself in a circle. Type-only imports, `import()` types and dynamic imports all count:
// a circle of types still ties two files into one concept.
import { existsSync, globSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StringLiteral } from "typescript/unstable/ast";
import { API } from "typescript/unstable/sync";

/** One import: repository-relative paths, and the line of `from` that names `to`. */
export interface ImportEdge {
  from: string;
  line: number;
  to: string;
}

/** The files of the workspace's packages, by package, and every import among them. */
export interface ImportGraph {
  /** Package name by its folder (`packages/sdk`). */
  packages: Map<string, string>;
  edges: ImportEdge[];
}

/** Which of the workspace's packages each package may import. Examples use any: they are what users write. */
export const packageLayers: Record<string, readonly string[]> = {
  "@goal-lease/sdk": [],
  "@goal-lease/goal-plugin": ["@goal-lease/sdk"],
  "@goal-lease/cli": ["@goal-lease/goal-plugin", "@goal-lease/sdk"],
  "@goal-lease/openclaw": ["@goal-lease/goal-plugin", "@goal-lease/sdk"],
};

/** The parts of the SDK's host (`packages/sdk/src/host/<part>/`) and the parts each may import. */
export const hostParts: Record<string, readonly string[]> = {
  sessions: [],
  plugins: ["sessions"],
  leases: ["sessions", "plugins"],
  turns: ["sessions", "plugins", "leases"],
  commands: ["sessions", "plugins", "leases"],
};
const hostFolder = "packages/sdk/src/host/";

/** Reads the imports of every TypeScript file of the workspace's packages (`root` is the repository). */
export function readImportGraph(root: string): ImportGraph {
  const packages = new Map<string, string>();
  for (const manifest of globSync(["packages/*/package.json", "examples/*/package.json"], { cwd: root })) {
    packages.set(
      dirname(manifest),
      (JSON.parse(readFileSync(join(root, manifest), "utf8")) as { name: string }).name,
    );
  }
  const folders = new Map([...packages].map(([folder, name]) => [name, folder]));
  const files = [...packages.keys()].flatMap((folder) =>
    globSync(`${folder}/**/*.{ts,tsx,mts,cts}`, {
      cwd: root,
      exclude: (path) => /(^|\/)(node_modules|dist)$/.test(path),
    }),
  );
  const api = new API({ cwd: root });
  try {
    const snapshot = api.updateSnapshot({ openFiles: files.map((file) => join(root, file)) });
    const edges: ImportEdge[] = [];
    for (const file of files) {
      const path = join(root, file);
      const source = snapshot.getDefaultProjectForFile(path)?.program.getSourceFile(path);
      if (!source) throw new Error(`${file}: the TypeScript parser did not read it`);
      for (const specifier of source.imports) {
        const to = resolveImport(root, file, (specifier as StringLiteral).text, folders);
        const line = source.getLineAndCharacterOfPosition(specifier.end).line + 1;
        if (to !== undefined) edges.push({ from: file, line, to });
      }
    }
    return { packages, edges };
  } finally {
    api.close();
  }
}

/**
 * The file an import names, repository-relative: a relative path, or one of the workspace's packages by
 * name (its entry point's source). Anything else (Node's modules, dependencies) is not ours: undefined.
 */
function resolveImport(root: string, from: string, specifier: string, folders: Map<string, string>) {
  if (specifier.startsWith(".")) return sourceFile(root, join(dirname(from), specifier));
  const name = [...folders.keys()].find((name) => specifier === name || specifier.startsWith(`${name}/`));
  if (name === undefined) return undefined;
  const folder = folders.get(name) ?? "";
  const manifest = JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8")) as {
    exports?: Record<string, string | { default: string }>;
  };
  const entry = manifest.exports?.[`.${specifier.slice(name.length)}`];
  const target = typeof entry === "string" ? entry : entry?.default;
  // A package's compiled entry point stands for its source file, which is what this graph holds.
  if (target === undefined) return folder;
  return sourceFile(root, join(folder, target.replace(/^\.\/dist\//, "src/"))) ?? folder;
}

/** The source file a module path means: `x.js` is written for `x.ts` (or `x.tsx`), `x` for `x/index.ts`. */
function sourceFile(root: string, path: string): string | undefined {
  const stem = path.replace(/\.(js|jsx|ts|tsx|mjs|cjs)$/, "");
  const candidates = [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.d.ts`, path, `${path}/index.ts`];
  return candidates.find((candidate) => existsSync(join(root, candidate)));
}

/** Every way `graph` breaks the rules, one line each naming the import (file:line) or the circle. */
export function importGraphProblems(graph: ImportGraph): string[] {
  return [...layerProblems(graph), ...hostPartProblems(graph), ...cycleProblems(graph)];
}

function packageOf(graph: ImportGraph, file: string): string | undefined {
  for (const [folder, name] of graph.packages)
    if (file === folder || file.startsWith(`${folder}/`)) return name;
  return undefined;
}

function layerProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const name of graph.packages.values()) {
    if (!name.startsWith("@goal-lease/example-") && !(name in packageLayers)) {
      problems.push(`${name} has no place in the package layering (scripts/import-graph.ts): give it one`);
    }
  }
  for (const { from, line, to } of graph.edges) {
    const importer = packageOf(graph, from);
    const imported = packageOf(graph, to);
    if (!importer || !imported || importer === imported) continue;
    const allowed = packageLayers[importer];
    if (allowed && !allowed.includes(imported)) {
      problems.push(
        `${from}:${line} imports ${to}: ${importer} may import ${allowed.join(" and ") || "none of the workspace's packages"}, not ${imported}`,
      );
    }
  }
  return problems;
}

function hostPartOf(file: string): string | undefined {
  if (!file.startsWith(hostFolder)) return undefined;
  const [part, ...rest] = file.slice(hostFolder.length).split("/");
  return rest.length > 0 ? part : undefined;
}

function hostPartProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  // The host's own files that import a part wire the parts together; a part importing one reaches around
  // the order through it.
  const wiring = new Set(
    graph.edges
      .filter(({ from, to }) => from.startsWith(hostFolder) && !hostPartOf(from) && hostPartOf(to))
      .map(({ from }) => from),
  );
  for (const { from, line, to } of graph.edges) {
    const part = hostPartOf(from);
    // A part's tests may drive the whole host: nothing imports a test, so it ties no part to another.
    if (part === undefined || !to.startsWith(hostFolder) || from.endsWith(".test.ts")) continue;
    const target = hostPartOf(to);
    const allowed = hostParts[part];
    if (allowed === undefined || (target !== undefined && !(target in hostParts))) {
      const unknown = allowed === undefined ? part : target;
      problems.push(`${from}:${line}: host/${unknown}/ is not one of the host's parts in CONTRIBUTING.md`);
    } else if (target === undefined ? wiring.has(to) : target !== part && !allowed.includes(target)) {
      const may =
        allowed.length > 0 ? `only ${allowed.map((name) => `${name}/`).join(", ")}` : "no other part";
      problems.push(`${from}:${line} imports ${to}: host/${part}/ may import ${may}`);
    }
  }
  return problems;
}

/** The circles within a package, as `a:line → b:line → a`: at least one for every group of files that import each other. */
function cycleProblems(graph: ImportGraph): string[] {
  const next = new Map<string, ImportEdge[]>();
  for (const edge of graph.edges) {
    if (packageOf(graph, edge.from) !== packageOf(graph, edge.to)) continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  }
  const problems: string[] = [];
  const done = new Set<string>();
  const onPath = new Map<string, number>();
  const path: ImportEdge[] = [];
  // Depth first; a back edge to a file on the current path closes a circle, reported once.
  const visit = (file: string) => {
    onPath.set(file, path.length);
    for (const edge of next.get(file) ?? []) {
      const start = onPath.get(edge.to);
      if (start !== undefined) {
        const circle = [...path.slice(start), edge];
        problems.push(
          `import circle: ${circle.map(({ from, line }) => `${from}:${line}`).join(" → ")} → ${edge.to}`,
        );
      } else if (!done.has(edge.to)) {
        path.push(edge);
        visit(edge.to);
        path.pop();
      }
    }
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...next.keys()].sort()) if (!done.has(file)) visit(file);
  return problems;
}
