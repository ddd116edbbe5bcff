#!/usr/bin/env node
import{a as e}from"./chunks/chunk-5P5VD62Y.js";import"./chunks/chunk-EMBIDUMY.js";var s=e(process.versions.node);s&&(process.stderr.write(`${s}
`),process.exit(1));process.argv.length===3&&process.argv[2]==="hook"?await import("./chunks/hook-bin-JUGRNK3X.js"):await import("./chunks/main-5CDXUCTU.js");
