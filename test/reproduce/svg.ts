// Helpers for tests that read Vega's SVG and the HTML report: text of role groups, and a
// structural (tag-balance) check for markup without a parser dependency.

/** Texts drawn inside the mark groups of one Vega role, e.g. "axis-title", "legend-label", "title-text". */
export function roleTexts(svg: string, role: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`class="[^"]*\\brole-${role}\\b[^"]*"[^>]*>`, "g");
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    // Texts until the group closes: take the next <text> elements before the next role group.
    const rest = svg.slice(m.index + m[0].length);
    const end = rest.search(/class="[^"]*\brole-/);
    const chunk = end >= 0 ? rest.slice(0, end) : rest;
    for (const t of chunk.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1]!);
  }
  return out;
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

/**
 * Checks that every element is closed in order (the tree is well formed). Returns the problems
 * found, empty when well formed. `html`: void elements need no closing tag.
 */
export function tagBalanceProblems(markup: string, html: boolean): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = markup.replace(/<!--[\s\S]*?-->/g, "").replace(/<!DOCTYPE[^>]*>/i, "").replace(/<\?xml[^>]*\?>/, "");
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const [, close, name, , self] = m;
    const tag = html ? name!.toLowerCase() : name!;
    if (self || (html && VOID.has(tag))) continue;
    if (!close) {
      stack.push(tag);
      // Raw-text elements: skip to their end tag.
      if (html && (tag === "style" || tag === "script")) {
        const endRe = new RegExp(`</${tag}\\s*>`, "ig");
        endRe.lastIndex = re.lastIndex;
        const e = endRe.exec(body);
        if (!e) {
          problems.push(`<${tag}> never closed`);
          return problems;
        }
        re.lastIndex = e.index;
      }
      continue;
    }
    const top = stack.pop();
    if (top !== tag) {
      problems.push(`</${tag}> closes <${top ?? "nothing"}>`);
      return problems;
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(" > ")}`);
  return problems;
}
