import { execFile } from "node:child_process";
import type { AttemptResult } from "./attempt.js";

/** How a desktop notification is shown: the program and its arguments, or why there is none here. */
export function desktopCommand(
  title: string,
  text: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): { program: string; args: string[] } | { none: string } {
  if (platform === "darwin") {
    // The words travel as arguments, never inside the script, so nothing in them is AppleScript.
    const script = [
      "on run argv",
      "display notification (item 2 of argv) with title (item 1 of argv)",
      "end run",
    ];
    return { program: "osascript", args: [...script.flatMap((line) => ["-e", line]), title, text] };
  }
  if (platform === "linux" || platform === "freebsd" || platform === "openbsd") {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { none: "no desktop session here" };
    return { program: "notify-send", args: ["--app-name=goal-lease", "--", title, text] };
  }
  return { none: `no desktop notifications on ${platform}` };
}

/**
 * Shows a notification on this machine's desktop (`notify-send` on Linux, `osascript` on macOS), within
 * `timeoutMs`. Where there is none (no desktop session, no such program), it is skipped, silently.
 */
export function showDesktopNotification(
  title: string,
  text: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AttemptResult> {
  const command = desktopCommand(title, text, process.platform, env);
  if ("none" in command) return Promise.resolve({ result: "skipped", outcome: command.none });
  return new Promise((resolve) => {
    execFile(command.program, command.args, { timeout: timeoutMs, windowsHide: true, env }, (error) => {
      if (!error) resolve({ result: "sent", outcome: `shown by ${command.program}` });
      else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        resolve({ result: "skipped", outcome: `no ${command.program} here` });
      } else
        resolve({ result: "failed", outcome: `${command.program} failed: ${error.message.split("\n")[0]}` });
    });
  });
}
