import type { Context, Env, MiddlewareHandler } from "hono";
import type { BlankInput } from "hono/types";
import { z } from "zod";
import { type JsonError, jsonError } from "./json-error.js";

/** The largest request body the server reads; control bodies are a few hundred bytes. */
export const maxBodyBytes = 16 * 1024;

/** A validated body, or the 400 response that says what was wrong with it. */
export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: JsonError<400> };

/**
 * Reads a JSON body (already size-capped and typed as JSON by the route's middleware) and validates it
 * against a strict schema. An empty body stands for `{}`, so a bare `curl -X POST` pauses with no note.
 */
export async function readJsonBody<Schema extends z.core.$ZodType>(
  context: Context,
  schema: Schema,
): Promise<BodyResult<z.output<Schema>>> {
  const text = await context.req.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return {
        ok: false,
        response: jsonError(context, 400, "The body is not valid JSON: send an object, e.g. {}."),
      };
    }
  }
  const parsed = z.safeParse(schema, body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? `field "${issue.path.join(".")}"` : "body";
  const message = (issue?.message ?? "invalid").split("\n")[0];
  return { ok: false, response: jsonError(context, 400, `Invalid ${field}: ${message}.`) };
}

/** True for a JSON content type (`application/json`, with or without parameters). */
export function isJsonType(type: string | undefined): boolean {
  return type !== undefined && /^application\/json\s*(;|$)/i.test(type);
}

/** Requires `Content-Type: application/json`, which a plain HTML form cannot send. */
export function requireJson(): MiddlewareHandler<Env, string, BlankInput, JsonError<415>> {
  return async (context, next) => {
    if (!isJsonType(context.req.header("content-type"))) {
      return jsonError(context, 415, "Send the body as JSON, with Content-Type: application/json.");
    }
    await next();
  };
}
