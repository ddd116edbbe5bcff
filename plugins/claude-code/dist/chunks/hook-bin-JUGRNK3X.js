#!/usr/bin/env node
import{a as e}from"./chunk-YGOVYXTZ.js";import"./chunk-CHI6DVY6.js";import{a as s}from"./chunk-5P5VD62Y.js";import"./chunk-EMBIDUMY.js";var o=s(process.versions.node);o&&(process.stderr.write(`${o}
`),process.exit(1));var r=process.argv.slice(2);process.exitCode=await e({stdin:process.stdin,stdout:process.stdout,stderr:process.stderr,env:process.env},r.includes("codex")?"codex":"claude",r.includes("wake")?"wake":void 0);
