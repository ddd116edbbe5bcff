import { GoalLeaseError } from "../errors.js";

/**
 * Names a provider endpoint for error messages, e.g. `OpenAI-compatible endpoint http://127.0.0.1:1234/v1`,
 * leaving out credentials and query strings so they never reach a log. Throws a {@link GoalLeaseError}
 * with code `invalid_base_url` when the base URL does not parse, before any request is tried.
 */
export function describeEndpoint(endpoint: {
  name: string;
  baseURL: string;
  variable: string;
  example: string;
}): string {
  let url: URL;
  try {
    url = new URL(endpoint.baseURL);
  } catch (error) {
    throw new GoalLeaseError({
      code: "invalid_base_url",
      message: `${JSON.stringify(endpoint.baseURL.slice(0, 200))} is not a URL; pass baseURL or set ${endpoint.variable} to one like ${endpoint.example}.`,
      cause: error,
    });
  }
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  return `${endpoint.name} ${url.href.replace(/\/+$/, "")}`;
}
