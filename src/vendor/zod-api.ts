// The part of zod's API the code uses, as `z` (src/vendor/zod.ts). Naming the functions instead of
// re-exporting all of zod lets the bundler leave out what the code never calls (the JSON Schema
// importer and the error messages of 40 languages): the bundle is smaller and the CLI starts faster.
export {
  array,
  boolean,
  discriminatedUnion,
  enum,
  literal,
  number,
  strictObject,
  string,
  toJSONSchema,
} from "zod";
export type { core, ZodObject, ZodType } from "zod";

import { config } from "zod";
// Parse without compiling a parser per object schema (zod's "JIT", made with `new Function`): a
// process parses a configuration a few times, where compiling costs more than it saves (measured
// on `pvnetsim run`), and a page whose Content-Security-Policy forbids eval needs none.
config({ jitless: true });
