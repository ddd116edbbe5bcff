import { randomBytes } from "node:crypto";
import type { HostStore, JsonValue } from "@goal-lease/sdk";
import { goalStateLocation } from "../goal-reader.js";

/**
 * Where the store's notification settings live: the goal plugin's state under a scope no session can
 * have (a session key never holds `*`), written without a session's fence, so every process of the store
 * reads the same.
 */
export const notifySettingsLocation = Object.freeze({
  pluginId: goalStateLocation.pluginId,
  scope: "*store",
  key: "notify",
});

/** The store's notification settings (format version 1). */
export interface NotifySettings {
  /** Where goals that name no target are notified: an http(s) URL or `desktop`. SECURITY: may hold a webhook's secret path. */
  target?: string;
  /** The HMAC-SHA256 key notifications are signed with: made once for the store, shown by `goal-lease notify show`. */
  secret?: string;
  /** The dashboard's address that notifications link to. */
  dashboardUrl?: string;
}

interface StoredSettings extends NotifySettings {
  formatVersion: 1;
}

const maxAttempts = 5;

/** The store's notification settings; none when nothing was set. */
export async function readNotifySettings(store: HostStore): Promise<NotifySettings> {
  const { pluginId, scope, key } = notifySettingsLocation;
  const entry = await store.readState(pluginId, scope, key);
  return entry ? settingsOf(entry.value) : {};
}

/**
 * Changes the store's notification settings with compare-and-set (two processes changing them at once
 * both land, one after the other); returns them as written.
 */
export async function updateNotifySettings(
  store: HostStore,
  change: (current: NotifySettings) => NotifySettings,
): Promise<NotifySettings> {
  const { pluginId, scope, key } = notifySettingsLocation;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const entry = await store.readState(pluginId, scope, key);
    const next = withoutUndefined(change(entry ? settingsOf(entry.value) : {}));
    const stored: StoredSettings = { formatVersion: 1, ...next };
    const written = await store.writeState(
      pluginId,
      scope,
      key,
      stored as unknown as JsonValue,
      entry?.version ?? 0,
    );
    if (written.status === "written") return next;
  }
  throw new Error("The notification settings kept changing while they were being written; try again.");
}

/** The store's notification settings with a signing secret: made now, once for the store, if there is none. */
export async function notifySettingsWithSecret(
  store: HostStore,
): Promise<NotifySettings & { secret: string }> {
  const settings = await readNotifySettings(store);
  if (settings.secret !== undefined) return { ...settings, secret: settings.secret };
  const written = await updateNotifySettings(store, (current) =>
    current.secret === undefined ? { ...current, secret: randomBytes(32).toString("base64url") } : current,
  );
  return { ...written, secret: written.secret ?? "" };
}

function settingsOf(value: unknown): NotifySettings {
  const stored = value as Partial<StoredSettings> | null;
  if (stored?.formatVersion !== 1) {
    throw new Error(
      `The store's notification settings have format ${JSON.stringify(stored?.formatVersion)}; this version reads format 1. Upgrade goal-lease to change them.`,
    );
  }
  const settings: NotifySettings = {};
  if (typeof stored.target === "string") settings.target = stored.target;
  if (typeof stored.secret === "string") settings.secret = stored.secret;
  if (typeof stored.dashboardUrl === "string") settings.dashboardUrl = stored.dashboardUrl;
  return settings;
}

function withoutUndefined(settings: NotifySettings): NotifySettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
