import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries a notification's signature: `sha256=` and the HMAC's hex digits. */
export const signatureHeader = "X-Goal-Lease-Signature";
/** The header that carries a notification's delivery id, the same in every attempt. */
export const deliveryHeader = "X-Goal-Lease-Delivery";

/** The signature of a notification's raw body under the store's secret: `sha256=<hex HMAC-SHA256>`. */
export function signNotification(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/**
 * Whether `signature` (the header's value) signs `body` (the raw bytes received, before any JSON parsing)
 * under `secret`; compared in constant time. What a receiver written in TypeScript runs.
 */
export function verifyNotification(secret: string, body: string | Uint8Array, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`, "utf8");
  const given = Buffer.from(signature, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
