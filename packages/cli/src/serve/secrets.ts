import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { GoalLeaseError } from "@goal-lease/sdk";

/** A fresh access token: 32 random bytes, base64url, as printed in the URL to open. */
export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Reads a token or secret from a file (its first line, trimmed); too short or unreadable is an error. */
export function readSecretFile(path: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new GoalLeaseError({
      code: "secret_unreadable",
      message: `Cannot read ${flag} ${path}; pass a file that holds one line of at least 16 characters.`,
    });
  }
  const secret = (text.split(/\r?\n/)[0] ?? "").trim();
  if (secret.length < 16 || !/^[\x21-\x7e]+$/.test(secret)) {
    throw new GoalLeaseError({
      code: "secret_weak",
      message: `${flag} ${path} needs one line of at least 16 printable characters, e.g. from: openssl rand -base64 32`,
    });
  }
  return secret;
}

/**
 * Compares a secret a request carries with the expected one in constant time: both are hashed first, so
 * neither the content nor the length of the expected secret leaks through timing.
 */
export function secretsMatch(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The webhook secret of one goal's session: an HMAC of its key under the server's webhook secret, so CI can
 * be given the power to wake that goal alone, and the server needs to store nothing per goal.
 */
export function sessionWebhookSecret(serverSecret: string, sessionKey: string): string {
  return createHmac("sha256", serverSecret).update(`goal-lease wake\0${sessionKey}`).digest("base64url");
}
