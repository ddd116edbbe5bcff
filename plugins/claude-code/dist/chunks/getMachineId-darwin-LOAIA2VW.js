import{a as r}from"./chunk-LIBTHLFA.js";import{l as i}from"./chunk-KYDLL6Z5.js";import"./chunk-EMBIDUMY.js";async function a(){try{let t=(await r('ioreg -rd1 -c "IOPlatformExpertDevice"')).stdout.split(`
`).find(n=>n.includes("IOPlatformUUID"));if(!t)return;let e=t.split('" = "');if(e.length===2)return e[1].slice(0,-1)}catch(t){i.debug(`error reading machine id: ${t}`)}}export{a as getMachineId};
