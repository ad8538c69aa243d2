// Turns the Wasm frames of an error's stack into model source lines, with the debug build's
// source map (build/pvnetsim.debug.wasm.map, written by asc). A failed assertion already names
// its own file and line; this adds where it was called from, and gives a line to traps that have
// none (an unreachable, an out-of-bounds access). Platform-neutral: the caller reads the map.

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A decoded source map: for each mapped byte offset of the module, its source file and line. */
export interface WasmSourceMap {
  offsets: number[];
  files: number[];
  lines: number[];
  sources: string[];
}

/** Decodes a version-3 source map of a Wasm module (generated column = byte offset in the module). */
export function decodeWasmSourceMap(map: { sources: string[]; mappings: string }): WasmSourceMap {
  const out: WasmSourceMap = { offsets: [], files: [], lines: [], sources: map.sources };
  let col = 0;
  let src = 0;
  let line = 0;
  const vals: number[] = [];
  for (const group of map.mappings.split(";")) {
    for (const seg of group.split(",")) {
      if (!seg) continue;
      vals.length = 0;
      let v = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        v += (d & 31) * 2 ** shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v % 2 ? -(v - 1) / 2 : v / 2);
          v = 0;
          shift = 0;
        }
      }
      col += vals[0] ?? 0;
      if (vals.length < 4) continue;
      src += vals[1]!;
      line += vals[2]!;
      out.offsets.push(col);
      out.files.push(src);
      out.lines.push(line + 1);
    }
  }
  return out;
}

/** "file:line" of the code at byte offset `off`, or null when the map has nothing before it. */
export function sourceLineAt(m: WasmSourceMap, off: number): string | null {
  let lo = 0;
  let hi = m.offsets.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m.offsets[mid]! <= off) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best < 0 ? null : `${m.sources[m.files[best]!]}:${m.lines[best]}`;
}

/**
 * The model frames of a stack trace as "file:line (function)", innermost first. Frames look like
 * `at assembly/cpu/vcpu/vcpuOnDone (wasm://wasm/0006b982:wasm-function[233]:0xb165)` in V8.
 */
export function modelStack(stack: string, m: WasmSourceMap): string[] {
  const frames: string[] = [];
  for (const f of stack.matchAll(/at (\S+) \(wasm:\/\/wasm\/[^)]*:wasm-function\[\d+\]:0x([0-9a-f]+)\)/g)) {
    const where = sourceLineAt(m, parseInt(f[2]!, 16));
    const fn = f[1]!.split("/").pop();
    frames.push(where ? `${where} (${fn})` : f[1]!);
  }
  return frames;
}
