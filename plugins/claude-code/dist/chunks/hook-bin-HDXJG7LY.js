#!/usr/bin/env node
import{a as s}from"./chunk-5P5VD62Y.js";import{a as o}from"./chunk-Z5XDZQ67.js";import"./chunk-KCOIZAMA.js";import"./chunk-DCANE7XH.js";var e=s(process.versions.node);e&&(process.stderr.write(`${e}
`),process.exit(1));await o({stdin:process.stdin,stdout:process.stdout,env:process.env});
