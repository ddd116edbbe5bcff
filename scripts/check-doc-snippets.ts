// Type-checks the TypeScript in the READMEs users copy from and in the design notes, so the docs cannot
// drift from the API. Each ```ts block is checked as a module of its own against the sources; `model` and
// `echoTwice`, which the blocks take as given, are declared once for all of them. A block that is not
// TypeScript for the compiler (a sketch, another program's types quoted) is fenced as ```text instead.
// Usage: node scripts/check-doc-snippets.ts
import { execFileSync } from "node:child_process";
import { globSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sourceEntries } from "../test/sources.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const documents = globSync(
  ["README.md", "packages/*/README.md", "examples/*/README.md", "plugins/*/README.md", "docs/*.md"],
  { cwd: root },
).sort();
const folder = join(root, ".doc-snippets");
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder);

const files: string[] = [];
for (const document of documents) {
  const text = readFileSync(join(root, document), "utf8");
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  blocks.forEach((block, index) => {
    const name = `${document.replaceAll("/", "-").replace(/\.md$/, "")}-${index + 1}.ts`;
    writeFileSync(join(folder, name), `${block}\nexport {};\n`);
    files.push(name);
  });
}
writeFileSync(
  join(folder, "given.d.ts"),
  `declare const model: import("@goal-lease/sdk").Model;\ndeclare const echoTwice: import("@goal-lease/sdk").PluginDefinition;\n`,
);
const source = (path: string) => [join(root, path)];
writeFileSync(
  join(folder, "tsconfig.json"),
  JSON.stringify({
    extends: "../tsconfig.base.json",
    compilerOptions: {
      noEmit: true,
      composite: false,
      declaration: false,
      declarationMap: false,
      allowImportingTsExtensions: true,
      // Every entry point the tests alias to its source (test/sources.ts), and the example plugins copy.
      paths: {
        ...Object.fromEntries(Object.entries(sourceEntries).map(([name, path]) => [name, source(path)])),
        "@goal-lease/example-countdown-plugin": source("examples/countdown-plugin/src/countdown-plugin.ts"),
      },
    },
    files: ["given.d.ts", ...files],
  }),
);
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", folder], { stdio: "inherit" });
  console.log(`doc snippets: ${files.length} blocks from ${documents.length} documents type-check`);
} catch {
  console.error("doc snippets: a ```ts block in the docs does not type-check (above); fix the document.");
  process.exitCode = 1;
}
