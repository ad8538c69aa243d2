// `pvnetsim presets`, `pvnetsim params`, `pvnetsim schema`: what can be configured;
// `pvnetsim metrics`: what a result reports (counters and the derived formulas over them).

import type { Command } from "commander";
import { PRESETS } from "../../config/presets.js";
import { PARAMS } from "../../config/params.js";
import { configJsonSchema, describe } from "../../config/schema.js";
import { formatTable } from "../../report/table.js";
import { DROP_COUNTERS, EVENT_COUNTERS } from "../../report/stats.js";
import { DERIVED_FORMULAS } from "../../report/counters.js";
import { costBasis } from "../../reproduce/costdoc.js";
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
        process.stdout.write(
          formatTable(
            Object.entries(PRESETS).map(([k, p]) => [k, p.description]),
            () => false,
          ) + "\n",
        );
      }),
    );
  program
    .command("params")
    .description("list every parameter with its default, unit, allowed values and help")
    .option("--json", "print as JSON")
    .action(
      action((o: { json?: boolean }) => {
        if (o.json) {
          const withBasis = PARAMS.map((p) => (p.path.startsWith("costs.") ? { ...p, basis: costBasis(p) } : p));
          process.stdout.write(JSON.stringify(withBasis, null, 2) + "\n");
          return;
        }
        const rows = [["parameter", "default", "unit", "allowed", "help (source)"]];
        for (const p of PARAMS) {
          rows.push([
            p.path,
            JSON.stringify(p.default),
            p.unit,
            describe(p),
            `${p.help} (${p.source}${p.fitted ? `; fitted to ${p.fitted}` : ""}` +
              `${p.path.startsWith("costs.") ? `; basis: ${costBasis(p)}` : ""})`,
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
  program
    .command("metrics")
    .description("list what a result reports: event and drop counters, and the derived formulas over them")
    .option("--json", "print as JSON")
    .action(
      action((o: { json?: boolean }) => {
        const counters = (list: typeof EVENT_COUNTERS) =>
          list.map(({ name, unit, description }) => ({ name, unit, description }));
        const derived = DERIVED_FORMULAS.map(({ name, unit, description, formula }) => ({
          name,
          unit,
          description,
          formula,
        }));
        if (o.json) {
          const all = { events: counters(EVENT_COUNTERS), drops: counters(DROP_COUNTERS), derived };
          process.stdout.write(JSON.stringify(all, null, 2) + "\n");
          return;
        }
        const table = (head: string, list: typeof EVENT_COUNTERS): string =>
          formatTable([[head, "unit", "meaning"], ...list.map((c) => [c.name, c.unit, c.description])], () => false);
        const formulas = formatTable(
          [
            ["derived.*", "unit", "formula", "meaning"],
            ...derived.map((f) => [f.name, f.unit, f.formula, f.description]),
          ],
          () => false,
        );
        const text = [
          table("events.* (over the measured interval)", EVENT_COUNTERS),
          table("drops.* (whole run)", DROP_COUNTERS),
          formulas,
        ];
        process.stdout.write(text.join("\n\n") + "\n");
      }),
    );
}
