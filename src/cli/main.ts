#!/usr/bin/env node
// The `pvnetsim` command. Each subcommand lives in src/cli/commands/<name>.ts and registers
// itself in program.ts; errors end as one line on stderr (src/cli/errors.ts).
//
// Start-up time matters (a sweep or a shell loop starts the CLI many times): `--version` answers
// here, before anything else is loaded; every other use loads the program (program.ts), which
// loads only the module of the command being run, and the chart stack (vega, vega-lite) is
// imported by the code that draws, when it draws. The build also makes a CommonJS copy of this
// file (dist/src/cli/main.cjs, the package's `pvnetsim` command): Node starts a CommonJS script
// without setting up its ES module loader, which `--version` then never needs. So no top-level
// await here.

import { PVNETSIM_VERSION } from "../version.js";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${PVNETSIM_VERSION}\n`);
  process.exit(0);
}
void import("./program.js");
