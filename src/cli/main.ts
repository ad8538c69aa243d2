#!/usr/bin/env node
// The `pvnetsim` command. Each subcommand lives in src/cli/commands/<name>.ts and registers
// itself here; errors end as one line on stderr (src/cli/errors.ts).

import { Command, CommanderError } from "commander";
import { PVNETSIM_VERSION } from "../version.js";
import { register as registerRun } from "./commands/run.js";
import { register as registerInfo } from "./commands/info.js";
import { register as registerReproduce } from "./commands/reproduce.js";
import { register as registerSensitivity } from "./commands/sensitivity.js";
import { register as registerSweep } from "./commands/sweep.js";
import { register as registerServe } from "./commands/serve.js";
import { die, UsageError } from "./errors.js";

const program = new Command();
program
  .name("pvnetsim")
  .description("Cycle-level simulator of Xen paravirtualized network I/O (netback/netfront) on multi-core hosts")
  .version(PVNETSIM_VERSION)
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error: ") ? `pvnetsim: ${s}` : s) });

for (const register of [registerRun, registerInfo, registerServe, registerSweep, registerReproduce, registerSensitivity]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  die(e instanceof Error ? e : new UsageError(String(e)));
}
