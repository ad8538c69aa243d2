// The `pvnetsim` program (src/cli/main.ts answers `--version` and runs this for everything else):
// commander, and the module of the command being run. Built as one CommonJS file (no top-level
// await); a module it reaches only through import() is evaluated only when that import() runs.

import { PVNETSIM_VERSION } from "../version.js";

const argv = process.argv.slice(2);

// A closed stdout (`pvnetsim ... | head -1`) ends the process quietly, as `cat` does.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

type Register = (program: import("commander").Command) => void;

/** Command name -> the module that registers it (a module may register several commands). */
const MODULES: Record<string, () => Promise<{ register: Register }>> = {
  run: () => import("./commands/run.js"),
  presets: () => import("./commands/info.js"),
  params: () => import("./commands/info.js"),
  schema: () => import("./commands/info.js"),
  metrics: () => import("./commands/info.js"),
  serve: () => import("./commands/serve.js"),
  sweep: () => import("./commands/sweep.js"),
  slurm: () => import("./commands/slurm.js"),
  merge: () => import("./commands/merge-report.js"),
  report: () => import("./commands/merge-report.js"),
  reproduce: () => import("./commands/reproduce.js"),
  sensitivity: () => import("./commands/sensitivity.js"),
  validate: () => import("./commands/validate.js"),
  "io-paths": () => import("./commands/io-paths.js"),
};

async function main(): Promise<void> {
  const { Command, CommanderError } = await import("commander");
  const { die, UsageError } = await import("./errors.js");

  const program = new Command();
  program
    .name("pvnetsim")
    .description("Cycle-level simulator of Xen paravirtualized network I/O (netback/netfront) on multi-core hosts")
    .version(PVNETSIM_VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error: ") ? `pvnetsim: ${s}` : s) });

  // The first word that is not an option names the command (`help <command>`: the second); anything
  // else (no command, `help` alone, an unknown word) registers every command so that help and
  // "unknown command" list them all.
  const words = argv.filter((a) => !a.startsWith("-"));
  const first = words[0] === "help" ? words[1] : words[0];
  const load =
    first !== undefined && Object.hasOwn(MODULES, first) ? [MODULES[first]!] : [...new Set(Object.values(MODULES))];
  const loaded = new Set<Register>();
  for (const mod of await Promise.all(load.map((f) => f()))) {
    if (loaded.has(mod.register)) continue;
    loaded.add(mod.register);
    mod.register(program);
  }

  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    die(e instanceof Error ? e : new UsageError(String(e)));
  }
}
void main();
