// A fresh clone of this checkout as a user gets it: only what git would commit (tracked files and new files
// that are not ignored, as they are now), with no install and no build. The end-to-end suites install
// from it, so a file that exists only after a build, or only outside the folder that is installed, shows.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Copies the checkout's committable files into a new git repository with one commit; returns its path. */
export function freshClone(): string {
  const clone = join(mkdtempSync(join(tmpdir(), "goal-lease-clone-")), "goal-lease");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(clone, file));
    } catch {
      // Deleted in the working tree but not yet in the index: a clone would not have it either.
    }
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@localhost", ...args], {
      cwd: clone,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "snapshot");
  return clone;
}
