import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-EK2G54DW.js";import"./chunk-FEKFFLDD.js";export{a as child_process,b as crypto,c as fs,d as os,e as path,f as stream,g as util};
