import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{l as o}from"./chunk-JCIGAK5X.js";import"./chunk-FEKFFLDD.js";async function e(){o.debug("could not read machine-id: unsupported platform")}export{e as getMachineId};
