import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { goalUsage, goalVerbs } from "./verbs.js";

const read = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), "utf8");

// The docs show the verbs as the one definition has them; a verb changed there fails here until they say so.
it("the plugin README's usage block is the usage the command answers with", () => {
  expect(read("packages/goal-plugin/README.md")).toContain(`\`\`\`text\n${goalUsage("goal")}\n\`\`\``);
});

it("the Claude Code command names every verb and the start line as the definition has them", () => {
  const command = read("plugins/claude-code/commands/goal.md");
  const verbs = Object.keys(goalVerbs).map((verb) => (verb === "start" ? "start <objective>" : verb));
  expect(command).toContain(`description: Keep working toward a goal across turns - ${verbs.join(" | ")}\n`);
  expect(command).toContain(`argument-hint: ${goalVerbs.start.synopsis}\n`);
});
