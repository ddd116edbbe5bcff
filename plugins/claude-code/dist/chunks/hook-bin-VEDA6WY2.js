#!/usr/bin/env node
import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as e}from"./chunk-GI6L3T6Z.js";import"./chunk-PKUO24SV.js";import{a as s}from"./chunk-I3H7T7RN.js";import"./chunk-FEKFFLDD.js";var o=s(process.versions.node);o&&(process.stderr.write(`${o}
`),process.exit(1));var r=process.argv.slice(2);process.exitCode=await e({stdin:process.stdin,stdout:process.stdout,stderr:process.stderr,env:process.env},r.includes("codex")?"codex":"claude",r.includes("wake")?"wake":void 0);
