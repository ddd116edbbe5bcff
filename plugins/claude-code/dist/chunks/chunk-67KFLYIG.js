import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
function t(r){try{let e=new URL(r);return`PostgreSQL at ${e.hostname}:${e.port||5432}${e.pathname}`}catch{return"PostgreSQL"}}export{t as a};
