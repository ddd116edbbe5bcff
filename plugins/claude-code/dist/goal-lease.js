#!/usr/bin/env node
import"./chunks/chunk-DCANE7XH.js";var e={major:22,minor:13};function n(o){let[r=0,i=0]=o.split(".").map(Number);if(!(r>e.major||r===e.major&&i>=e.minor))return`goal-lease needs Node.js ${e.major}.${e.minor} or newer (24 LTS recommended) and this is Node.js ${o}; install a newer Node.js (for example \`nvm install 24\`) and run it again.`}var s=n(process.versions.node);s&&(process.stderr.write(`${s}
`),process.exit(1));process.argv.length===3&&process.argv[2]==="hook"?await import("./chunks/hook-main-I4L2JOUU.js"):await import("./chunks/main-KAH4AMV5.js");
