// zod, as the rest of the code imports it. The build replaces this module's output with zod
// bundled into one self-contained file (scripts/bundle-vendor.mjs), so that the unbundled ES
// modules of the package load in a browser without an import map, and installing the library
// does not install zod. Only the functions listed in zod-api.ts are bundled.
export * as z from "./zod-api.js";
