// Versions recorded in every result. A test keeps these equal to package.json and the
// installed AssemblyScript (this file is plain data so the browser build needs no JSON import).
export const PVNETSIM_VERSION = "0.1.0";
export const ASSEMBLYSCRIPT_VERSION = "0.28.20";
