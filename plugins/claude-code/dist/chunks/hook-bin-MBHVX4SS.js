#!/usr/bin/env node
import{a as e}from"./chunk-ZTRG4N2Q.js";import"./chunk-VFD4LHNH.js";import{a as s}from"./chunk-5P5VD62Y.js";import"./chunk-EMBIDUMY.js";var o=s(process.versions.node);o&&(process.stderr.write(`${o}
`),process.exit(1));await e({stdin:process.stdin,stdout:process.stdout,env:process.env},process.argv[2]==="codex"?"codex":"claude");
