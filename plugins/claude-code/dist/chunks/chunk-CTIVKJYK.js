import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import*as o from"child_process";import*as s from"util";var c=s.promisify(o.exec);export{c as a};
