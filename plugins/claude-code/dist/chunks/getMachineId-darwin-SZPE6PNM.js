import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as r}from"./chunk-CTIVKJYK.js";import{l as i}from"./chunk-JCIGAK5X.js";import"./chunk-FEKFFLDD.js";async function a(){try{let t=(await r('ioreg -rd1 -c "IOPlatformExpertDevice"')).stdout.split(`
`).find(n=>n.includes("IOPlatformUUID"));if(!t)return;let e=t.split('" = "');if(e.length===2)return e[1].slice(0,-1)}catch(t){i.debug(`error reading machine id: ${t}`)}}export{a as getMachineId};
