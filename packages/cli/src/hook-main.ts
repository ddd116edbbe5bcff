import { runHook } from "./commands/hook.js";

await runHook({ stdin: process.stdin, stdout: process.stdout, env: process.env });
