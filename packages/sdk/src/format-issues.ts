import type { z } from "zod";

const maxIssues = 5;

/** Renders zod issues as one line: `path: problem; path: problem`. */
export function formatIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - maxIssues;
  return more > 0 ? `${parts.join("; ")}; and ${more} more` : parts.join("; ");
}
