import{l as o}from"./chunk-KYDLL6Z5.js";import"./chunk-EMBIDUMY.js";async function e(){o.debug("could not read machine-id: unsupported platform")}export{e as getMachineId};
