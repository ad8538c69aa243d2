// `pvnetsim presets`, `pvnetsim params`, `pvnetsim schema`: what can be configured.

import type { Command } from "commander";
import { PRESETS } from "../../config/presets.js";
import { PARAMS } from "../../config/params.js";
import { configJsonSchema, describe } from "../../config/schema.js";
import { formatTable } from "../../report/table.js";
import { action } from "../errors.js";

export function register(program: Command): void {
  program
    .command("presets")
    .description("list the built-in scenarios")
    .option("--json", "print as JSON")
    .action(
      action((o: { json?: boolean }) => {
        if (o.json) {
          process.stdout.write(JSON.stringify(PRESETS, null, 2) + "\n");
          return;
        }
        process.stdout.write(formatTable(Object.entries(PRESETS).map(([k, p]) => [k, p.description]), () => false) + "\n");
      }),
    );
  program
    .command("params")
    .description("list every parameter with its default, unit, allowed values and help")
    .option("--json", "print as JSON")
    .action(
      action((o: { json?: boolean }) => {
        if (o.json) {
          process.stdout.write(JSON.stringify(PARAMS, null, 2) + "\n");
          return;
        }
        const rows = [["parameter", "default", "unit", "allowed", "help (source)"]];
        for (const p of PARAMS) {
          rows.push([
            p.path,
            JSON.stringify(p.default),
            p.unit,
            describe(p),
            `${p.help} (${p.source}${p.fitted ? `; fitted to ${p.fitted}` : ""})`,
          ]);
        }
        process.stdout.write(formatTable(rows, () => false) + "\n");
      }),
    );
  program
    .command("schema")
    .description("print the JSON Schema of a config file")
    .action(
      action(() => {
        process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + "\n");
      }),
    );
}
