#!/usr/bin/env node
import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as e}from"./chunks/chunk-I3H7T7RN.js";import"./chunks/chunk-FEKFFLDD.js";var s=e(process.versions.node);s&&(process.stderr.write(`${s}
`),process.exit(1));process.argv.length===3&&process.argv[2]==="hook"?await import("./chunks/hook-bin-VEDA6WY2.js"):await import("./chunks/main-HAJZT5EI.js");
