import{a as s}from"./chunk-Z5XDZQ67.js";import"./chunk-KCOIZAMA.js";import"./chunk-DCANE7XH.js";await s({stdin:process.stdin,stdout:process.stdout,env:process.env});
