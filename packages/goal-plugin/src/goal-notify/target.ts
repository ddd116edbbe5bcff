// Loaded by the verbs' schemas, so by the dashboard's page too: nothing here may need Node.

/** Longest notify target a person may give. */
export const maxNotifyTargetChars = 2_000;

/** The target that shows a notification on this machine's desktop instead of posting it. */
export const desktopTarget = "desktop";

/** Whether `target` is somewhere a goal may notify: an http(s) URL, or the word `desktop`. */
export function isNotifyTarget(target: string): boolean {
  if (target === desktopTarget) return true;
  if (target.length > maxNotifyTargetChars || /\s/.test(target)) return false;
  try {
    const url = new URL(target);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Where a target points, for people to read: `desktop`, or the URL's origin. A webhook's path and query
 * are often its secret (a Slack or Discord incoming webhook), so they are never shown.
 */
export function describeNotifyTarget(target: string): string {
  if (target === desktopTarget) return desktopTarget;
  try {
    return new URL(target).origin;
  } catch {
    return "an address that is not a URL";
  }
}

/** What a person is told when a target is not one. */
export const notifyTargetProblem = "expected an http(s) URL or the word desktop";
