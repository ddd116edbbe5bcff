/** The oldest Node.js goal-lease runs on: the first release line with `node:sqlite` unflagged. */
export const minimumNode = { major: 22, minor: 13 } as const;

/**
 * One line telling the user their Node.js is too old and what to do, or undefined when it is new enough.
 * This file imports nothing, so even a Node.js that lacks what the rest needs can read it.
 */
export function unsupportedNodeMessage(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major > minimumNode.major || (major === minimumNode.major && minor >= minimumNode.minor))
    return undefined;
  return `goal-lease needs Node.js ${minimumNode.major}.${minimumNode.minor} or newer (24 LTS recommended) and this is Node.js ${version}; install a newer Node.js (for example \`nvm install 24\`) and run it again.`;
}
