// Property-based fuzzing of the configuration and the simulation (fast-check). Shared by the
// fixed-seed sample in the test suite (fuzz.test.ts) and the full campaign (`npm run fuzz`).
//
// Three kinds of input: valid configurations drawn from the parameter ranges (extremes included,
// durations kept short), invalid values of every kind for one parameter, and hostile keys and
// shapes. The properties, for every input:
// - the run ends within a wall bound, or is rejected by one ConfigError whose single line names
//   the field;
// - nothing else is thrown: no trap, no raw RangeError, no stack trace;
// - a finished run conserves packets, every utilization lies in [0, 1], and the goodput in each
//   direction is at most the links' rate over the measured interval;
// - a run that outgrows a packet pool the config sized (packetPoolPackets) stops naming the size
//   to set, with every utilization in [0, 1].

import fc from "fast-check";

/** Loads the built library (dist/) relative to the repository root. */
export async function loadLibrary(root) {
  const schema = await import(new URL("dist/src/config/schema.js", root).href);
  const params = await import(new URL("dist/src/config/params.js", root).href);
  const node = await import(new URL("dist/src/node.js", root).href);
  return { resolveConfig: schema.resolveConfig, ConfigError: schema.ConfigError, PARAMS: params.PARAMS, simulate: node.simulate };
}

const PROTO_KEYS = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__", "prototype"];

/** Sets a dotted path in a nested object, creating objects on the way (keys kept as own keys). */
function setPath(obj, path, value) {
  const parts = path.split(".");
  let node = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    if (!Object.hasOwn(node, k) || node[k] === null || typeof node[k] !== "object") Object.defineProperty(node, k, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[k];
  }
  Object.defineProperty(node, parts[parts.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/** A number from a parameter's range, often at or next to an end. */
function inRange(p) {
  const lo = p.min ?? (p.gt !== undefined ? p.gt : 0);
  const hi = p.max ?? 1e9;
  const isInt = p.kind === "integer";
  const clampLo = (x) => (p.gt !== undefined && x <= p.gt ? (isInt ? p.gt + 1 : p.gt + Math.max(Math.abs(p.gt) * 1e-9, 1e-12)) : x);
  const ends = [clampLo(lo), hi];
  if (isInt) {
    return fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...ends) },
      { weight: 3, arbitrary: fc.integer({ min: Math.ceil(clampLo(lo)), max: Math.floor(Math.min(hi, Math.max(clampLo(lo), 64))) }) },
      { weight: 2, arbitrary: fc.integer({ min: Math.ceil(clampLo(lo)), max: Math.floor(hi) }) },
    );
  }
  const logLo = Math.log10(Math.max(clampLo(lo), 1e-6));
  const logHi = Math.log10(Math.max(hi, 1e-6));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...ends) },
    { weight: 3, arbitrary: fc.double({ min: logLo, max: logHi, noNaN: true }).map((e) => Math.min(hi, Math.max(clampLo(lo), Number((10 ** e).toPrecision(6))))) },
  );
}

/** Parameters drawn freely; the rest (topology, time) are drawn together so most draws can run. */
const TOPOLOGY = new Set(["cpu.pcpus", "dom0.vcpus", "dom0.pcpus", "guests.count", "guests.vcpus", "guests.pcpus", "netback.groups", "netback.groupMap", "netback.kthreadVcpus", "durationMs", "warmupMs", "traffic.udp", "traffic.profiles", "nic.ports", "nic.rxQueuesPerPort"]);

const PROFILE_KINDS = ["tcp-rx", "tcp-tx", "tcp-to-guest", "tcp-to-dom0", "udp-rx", "rr", "idle"];

/** Traffic profiles for `n` guests: each kind with its fields (absent ones take their defaults). */
function profiles(n, quick) {
  const streams = fc.option(quick ? fc.integer({ min: 1, max: 8 }) : fc.oneof(fc.constantFrom(1, 1024), fc.integer({ min: 1, max: 64 })), { nil: undefined });
  const bytes = fc.option(fc.oneof(fc.constantFrom(1, 1_048_576), fc.integer({ min: 1, max: 20_000 })), { nil: undefined });
  const guests = fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n });
  const kinds = n >= 2 ? PROFILE_KINDS : PROFILE_KINDS.filter((k) => k !== "tcp-to-guest");
  const profile = fc.constantFrom(...kinds).chain((kind) => {
    switch (kind) {
      case "tcp-rx":
      case "tcp-tx":
      case "tcp-to-dom0":
        return fc.record({ guests, kind: fc.constant(kind), streams });
      case "tcp-to-guest":
        return fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.uniqueArray(fc.integer({ min: 0, max: n - 2 }), { minLength: 1, maxLength: n - 1 }), streams).map(([peer, others, st]) => ({
          guests: others.map((g) => (g >= peer ? g + 1 : g)),
          kind,
          peer,
          streams: st,
        }));
      case "udp-rx":
        return fc.record({ guests, kind: fc.constant(kind), ratePps: fc.oneof(fc.constantFrom(1, 1e6), fc.integer({ min: 1, max: 2_000_000 })), process: fc.constantFrom("constant", "poisson"), payloadBytes: fc.oneof(fc.constantFrom(1, 65507), fc.integer({ min: 1, max: 9000 })) });
      case "rr":
        return fc.record({ guests, kind: fc.constant(kind), streams, requestBytes: bytes, responseBytes: bytes, thinkUs: fc.option(fc.constantFrom(0, 1, 100, 1e7), { nil: undefined }) });
      default:
        return fc.record({ guests, kind: fc.constant(kind) });
    }
  });
  // Absent optional fields are left out (not written as undefined).
  return fc.array(profile, { maxLength: 2 }).map((ps) => ps.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))));
}

/** Parameters whose large values cost init time and memory (flows, windows, buffers). */
const SIZING = new Set(["traffic.rxStreamsPerGuest", "traffic.txStreamsPerGuest", "tcp.rcvBufBytes", "app.udpRcvBufBytes", "nic.rxRingDescriptors", "nic.txRingDescriptors", "nic.txQueueLenPackets", "kernel.netdevMaxBacklog", "netback.queueLenPackets", "netfront.txQueueLenPackets"]);

/**
 * Valid configurations: a small topology (up to `maxGuests` guests), short runs, and any subset
 * of the other parameters at values from their ranges, ends included. `quick` keeps the sizing
 * parameters at or below 64 (or 1 MiB for buffers) so that a sample runs in seconds; the full
 * campaign draws them from their whole ranges.
 */
export function validConfig(PARAMS, { maxGuests = 6, maxDurationMs = 3, quick = false } = {}) {
  const free = PARAMS.filter((p) => !TOPOLOGY.has(p.path) && ["number", "integer", "boolean", "enum"].includes(p.kind));
  const small = (p) => ({ ...p, max: Math.max(p.min ?? 0, Math.min(p.max, p.path.endsWith("Bytes") ? 1 << 20 : 64)) });
  const value = (p) => (p.kind === "boolean" ? fc.boolean() : p.kind === "enum" ? fc.constantFrom(...p.values) : inRange(quick && SIZING.has(p.path) ? small(p) : p));
  const choices = fc.subarray(free, { minLength: 0, maxLength: 12 }).chain((ps) => fc.tuple(...ps.map((p) => value(p).map((v) => [p.path, v]))));
  const topo = fc.record({
    dom0: fc.integer({ min: 1, max: 4 }),
    guests: fc.integer({ min: 1, max: maxGuests }),
    gv: fc.integer({ min: 1, max: 2 }),
    spare: fc.integer({ min: 0, max: 2 }),
    ports: fc.integer({ min: 1, max: 4 }),
    queues: fc.integer({ min: 1, max: 4 }),
    groups: fc.integer({ min: 0, max: 4 }),
    durationMs: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(1e-6, 0.001) }, { weight: 6, arbitrary: fc.double({ min: 0.01, max: maxDurationMs, noNaN: true }) }),
    warmupMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })),
    udp: fc.array(fc.record({ ratePps: fc.oneof(fc.constantFrom(1, 1e6), fc.double({ min: 1, max: 2e6, noNaN: true })), process: fc.constantFrom("constant", "poisson"), payloadBytes: fc.oneof(fc.constantFrom(1, 65507), fc.integer({ min: 1, max: 9000 })) }), { maxLength: 2 }),
    preset: fc.option(fc.constantFrom("paper-baseline", "paper-multi-tasklet", "paper-dispatch", "paper-low-event", "paper-lro", "single-guest"), { nil: undefined }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
  });
  return fc.tuple(topo, choices).chain(([t, kv]) => fc.tuple(fc.constant(t), fc.constant(kv), profiles(t.guests, quick))).map(([t, kv, prof]) => {
    const cfg = {};
    if (t.preset) cfg.preset = t.preset;
    setPath(cfg, "seed", t.seed);
    setPath(cfg, "durationMs", Number(t.durationMs.toPrecision(6)));
    setPath(cfg, "warmupMs", Number(t.warmupMs.toPrecision(6)));
    setPath(cfg, "dom0.vcpus", t.dom0);
    setPath(cfg, "guests.count", t.guests);
    setPath(cfg, "guests.vcpus", t.gv);
    setPath(cfg, "cpu.pcpus", t.dom0 + t.guests * t.gv + t.spare);
    setPath(cfg, "nic.ports", t.ports);
    setPath(cfg, "nic.rxQueuesPerPort", t.queues);
    setPath(cfg, "netback.groups", Math.min(t.groups, 1024));
    setPath(cfg, "netback.assignment", "least-loaded");
    setPath(cfg, "traffic.udp", t.udp.map((u, i) => ({ guest: i % t.guests, ...u, ratePps: Number(u.ratePps.toPrecision(6)) })));
    setPath(cfg, "traffic.profiles", prof);
    for (const [path, v] of kv) setPath(cfg, path, v);
    return { kind: "valid", input: cfg };
  });
}

/** Values no parameter of this kind accepts. */
function badValues(p) {
  const common = [null, undefined, "", "1", {}, [], [1], { a: 1 }, "x".repeat(5000), NaN, Infinity, -Infinity];
  switch (p.kind) {
    case "number":
    case "integer": {
      const out = [...common.filter((v) => v !== null || !p.nullable), true, "NaN"];
      if (p.min !== undefined) out.push(p.min - (p.kind === "integer" ? 1 : Math.max(Math.abs(p.min) * 1e-6, 1e-9)), -1e308);
      if (p.gt !== undefined) out.push(p.gt, p.gt - 1);
      if (p.max !== undefined) out.push(p.max * 2 + 1, 1e308);
      if (p.kind === "integer") out.push(1.5, (p.min ?? 0) + 0.25);
      return out.filter((v) => v !== undefined);
    }
    case "boolean":
      return [0, 1, "true", "false", null, {}, []];
    case "enum":
      return ["", "nope", p.values[0].toUpperCase() + "x", 1, null, [p.values[0]], { [p.values[0]]: 1 }, "constructor", "__proto__"];
    case "intList":
      return ["x", 1, [-1], [1.5], ["0"], [null], [[0]], { 0: 1 }, true];
    case "intListList":
      return ["x", 1, [1], [[-1]], [[0.5]], [["0"]], [[[0]]], true];
    case "udpList":
      return ["x", {}, [null], [1], [{}], [{ guest: 0, ratePps: 1, process: "constant" }], [{ guest: 0, ratePps: -1, process: "constant", payloadBytes: 10 }], [{ guest: 0, ratePps: 1, process: "bursty", payloadBytes: 10 }], [{ guest: 0, ratePps: 1, process: "constant", payloadBytes: 70000 }], [{ guest: 0, ratePps: 1, process: "constant", payloadBytes: 10, extra: 1 }], [{ guest: 0.5, ratePps: 1, process: "constant", payloadBytes: 10 }]];
    case "profileList":
      return ["x", {}, [null], [1], [{}], [{ guests: [0], kind: "nope" }], [{ guests: [], kind: "idle" }], [{ guests: [0], kind: "idle", streams: 1 }], [{ guests: [0], kind: "rr", requestBytes: 0 }], [{ guests: [0], kind: "rr", thinkUs: -1 }], [{ guests: [0], kind: "udp-rx", ratePps: 1, process: "constant" }], [{ guests: [0, 1], kind: "tcp-to-guest", peer: 0 }], [{ guests: [0], kind: "tcp-to-guest" }], [{ guests: [0], kind: "tcp-rx", streams: 1025 }], [{ guests: [1e9], kind: "tcp-rx" }], [{ guests: [0], kind: "tcp-rx", extra: 1 }], [{ guests: [0], kind: "udp-rx", ratePps: 1e12, process: "constant", payloadBytes: 1 }]];
  }
  return common;
}

/** One parameter set to a value it does not accept, in the config object or as an override. */
export function invalidValue(PARAMS) {
  return fc
    .constantFrom(...PARAMS)
    .chain((p) => fc.tuple(fc.constant(p), fc.constantFrom(...badValues(p)), fc.boolean()))
    .map(([p, v, asOverride]) => {
      if (asOverride) return { kind: "invalid", input: {}, overrides: { [p.path]: v }, field: p.path };
      const cfg = {};
      setPath(cfg, p.path, v);
      return { kind: "invalid", input: cfg, field: p.path };
    });
}

/** Unknown and prototype-named keys at any level, wrong shapes for sections, absurd nesting. */
export function hostile(PARAMS) {
  const sections = [...new Set(PARAMS.map((p) => p.path.split(".").slice(0, -1).join(".")).filter(Boolean))];
  const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/^[a-z]/i.test(k) || k.length > 8), fc.constant("k".repeat(100_000)), fc.constant("é💥\u0000"));
  const deep = fc.integer({ min: 1, max: 20_000 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)));
  const unknownKey = fc.tuple(fc.constantFrom("", ...sections), key, fc.anything({ maxDepth: 2 })).map(([sec, k, v]) => {
    const cfg = {};
    // The key itself may contain dots: it is one key of the section, not a path.
    if (sec) setPath(cfg, sec, {});
    const node = sec ? sec.split(".").reduce((o, p) => o[p], cfg) : cfg;
    Object.defineProperty(node, k, { value: v, enumerable: true, writable: true, configurable: true });
    const field = sec ? `${sec}.${k}` : k;
    return { kind: "hostile", input: cfg, field: field.length > 80 ? field.slice(0, 77) + "..." : field };
  });
  const badSection = fc.tuple(fc.constantFrom(...sections), fc.oneof(fc.constantFrom(1, "x", true, null, [], [1]), deep)).map(([sec, v]) => {
    const cfg = {};
    setPath(cfg, sec, v);
    return { kind: "hostile", input: cfg, field: sec };
  });
  const badRoot = fc.oneof(fc.constantFrom(1, true, [], [1], null), deep, fc.string({ maxLength: 20 }).filter((s) => !["paper-baseline", "paper-multi-tasklet", "paper-dispatch", "paper-low-event", "paper-lro", "single-guest"].includes(s)), fc.constantFrom(...PROTO_KEYS)).map((v) => ({
    kind: "hostile",
    input: v,
    field: typeof v === "string" ? "preset" : "",
  }));
  const badPreset = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 20 }), fc.constantFrom(1, true, [], {})).filter((v) => !["paper-baseline", "paper-multi-tasklet", "paper-dispatch", "paper-low-event", "paper-lro", "single-guest"].includes(v)).map((v) => ({ kind: "hostile", input: { preset: v }, field: "preset" }));
  const badOverridePath = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constant("nic"), fc.constant("nic.itr"), fc.string({ maxLength: 30 })).filter((k) => !PARAMS.some((p) => p.path === k)).map((k) => ({ kind: "hostile", input: {}, overrides: Object.defineProperty({}, k, { value: 1, enumerable: true }), field: k.length > 80 ? k.slice(0, 77) + "..." : k }));
  return fc.oneof(unknownKey, badSection, badRoot, badPreset, badOverridePath);
}

/** Library options: chunk sizes (results must not depend on them) and ones the library refuses. */
const badChunk = fc.constantFrom(0, -1, 0.5, NaN, Infinity, 2 ** 32, "1000").map((chunkEvents) => ({ kind: "invalid", input: "single-guest", chunkEvents, field: "chunkEvents" }));

/** All kinds, weighted towards runs. */
export function anyCase(PARAMS, opts) {
  const valid = fc.tuple(validConfig(PARAMS, opts), fc.constantFrom(undefined, 65536, 1 << 22)).map(([c, chunkEvents]) => (chunkEvents === undefined ? c : { ...c, chunkEvents }));
  return fc.oneof({ weight: 10, arbitrary: valid }, { weight: 6, arbitrary: invalidValue(PARAMS) }, { weight: 4, arbitrary: hostile(PARAMS) }, { weight: 1, arbitrary: badChunk });
}

/** Short, printable description of a case for failure reports. */
export function describeCase(c) {
  try {
    const s = JSON.stringify({ input: c.input, overrides: c.overrides, chunkEvents: c.chunkEvents }, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : typeof v === "string" && v.length > 60 ? `${v.slice(0, 20)}...(${v.length} chars)` : v));
    return s.length > 2000 ? s.slice(0, 2000) + "..." : s;
  } catch {
    return String(c.kind);
  }
}

/**
 * Checks every property for one case; returns null when they hold, else what failed.
 * `wallMs`: bound on one run's wall time.
 */
export async function checkCase(lib, c, { wallMs = 30_000 } = {}) {
  let result;
  const t0 = performance.now();
  c.outcome = "failed";
  try {
    const config = c.overrides ? lib.resolveConfig(c.input, c.overrides) : c.input;
    result = await lib.simulate(config, { signal: AbortSignal.timeout(wallMs), ...(c.chunkEvents !== undefined ? { chunkEvents: c.chunkEvents } : {}) });
  } catch (e) {
    if (!(e instanceof lib.ConfigError)) return `threw ${e?.name ?? typeof e}: ${String(e?.message ?? e).split("\n")[0].slice(0, 300)}`;
    const msg = e.message;
    if (msg.includes("\n")) return `ConfigError of several lines: ${msg.slice(0, 300)}`;
    if (/\bat .*\(.*:\d+:\d+\)|RangeError|TypeError|RuntimeError/.test(msg)) return `ConfigError carries an internal error: ${msg.slice(0, 300)}`;
    if (msg.length > 1000) return `ConfigError line of ${msg.length} characters`;
    if (!msg.startsWith(`${e.field || "config"}: `)) return `ConfigError does not start with its field: ${msg.slice(0, 200)}`;
    c.outcome = "rejected";
    if (c.kind === "valid") return null; // a relation between drawn values may be unsatisfiable
    const f = c.field;
    if (f !== undefined && !(e.field === f || e.field.startsWith(`${f}[`) || e.field.startsWith(`${f}.`) || (f === "" && e.field === ""))) {
      return `ConfigError names ${JSON.stringify(e.field.slice(0, 100))}, expected ${JSON.stringify(f.slice(0, 100))}: ${msg.slice(0, 200)}`;
    }
    return null;
  }
  const wall = performance.now() - t0;
  if (c.kind !== "valid") return `accepted an invalid input (expected a ConfigError naming ${JSON.stringify(c.field)})`;
  if (result.state === "aborted") return `did not end within ${wallMs} ms of wall time`;
  if (result.state !== "completed") {
    // A packet pool the config itself sized (packetPoolPackets) may be too small for the run: the
    // run stops saying what to set, and what it reports of the time it ran still holds together.
    const poolAsked = result.config.packetPoolPackets > 0 && result.state === "errored";
    if (!poolAsked || !/packet pool exhausted; .* set packetPoolPackets to [\d,]+/.test(result.error ?? "")) {
      return `run ${result.state}: ${result.error}`;
    }
    for (const u of result.cpu) {
      if (!(u.utilization >= 0 && u.utilization <= 1)) return `utilization of ${u.domain}.${u.vcpu} is ${u.utilization} in a run stopped by its pool, outside [0, 1]`;
    }
    c.outcome = "stopped";
    return null;
  }
  if (wall > wallMs * 1.5) return `took ${Math.round(wall)} ms, over the wall bound`;
  const k = result.conservation;
  if (!k.ok || k.injected !== k.delivered + k.dropped + k.inFlight) return `conservation: injected ${k.injected} != delivered ${k.delivered} + dropped ${k.dropped} + in flight ${k.inFlight}`;
  for (const u of result.cpu) {
    if (!(u.utilization >= 0 && u.utilization <= 1)) return `utilization of ${u.domain}.${u.vcpu} is ${u.utilization}, outside [0, 1]`;
  }
  const cfg = result.config;
  const linkGbps = cfg.nic.ports * cfg.nic.rateGbps;
  // Guest-to-guest flows cross no link (netback TX, the dom0 bridge, netback RX): their senders and
  // receivers are left out of the bound on what crosses the NIC's ports.
  const g2g = cfg.traffic.profiles.filter((p) => p.kind === "tcp-to-guest");
  const receivers = new Set(g2g.map((p) => p.peer));
  const senders = new Set(g2g.flatMap((p) => p.guests));
  const rx = result.throughput.perVm.reduce((a, v) => a + (receivers.has(v.vm) ? 0 : v.goodputGbps + v.udpGbps), 0);
  const tx = result.throughput.perVm.reduce((a, v) => a + (senders.has(v.vm) ? 0 : v.txGoodputGbps), 0);
  if (rx > linkGbps * (1 + 1e-9)) return `received goodput ${rx} Gb/s exceeds the links' ${linkGbps} Gb/s`;
  if (tx > linkGbps * (1 + 1e-9)) return `sent goodput ${tx} Gb/s exceeds the links' ${linkGbps} Gb/s`;
  c.outcome = "completed";
  return null;
}
