// Configuration: types, defaults, resolution (preset + overrides + defaults) and validation.
// Everything is driven by the parameter table in params.ts; bad input raises ConfigError, whose
// message is one line naming the field, the value, and what is allowed.

import { PARAMS, PARAM_BY_PATH, type ParamSpec } from "./params.js";
import { PRESETS } from "./presets.js";

export interface UdpSourceConfig {
  guest: number;
  ratePps: number;
  process: "constant" | "poisson";
  payloadBytes: number;
}

export type ProfileKind = "tcp-rx" | "tcp-tx" | "tcp-to-guest" | "udp-rx" | "rr" | "idle";
export const PROFILE_KINDS: readonly ProfileKind[] = ["tcp-rx", "tcp-tx", "tcp-to-guest", "udp-rx", "rr", "idle"];

/** Traffic of a group of guests (traffic.profiles[]); fields not used by its kind stay absent. */
export interface TrafficProfile {
  guests: number[];
  kind: ProfileKind;
  /** tcp-rx, tcp-tx, tcp-to-guest: streams per guest; rr: sessions per guest (filled with 1 when absent). */
  streams?: number;
  /** rr: request and response payload bytes, client think time between transactions. */
  requestBytes?: number;
  responseBytes?: number;
  thinkUs?: number;
  /** tcp-to-guest: the guest every listed guest sends to (through the dom0 bridge). */
  peer?: number;
  /** udp-rx: packets/s per guest, process, payload bytes. */
  ratePps?: number;
  process?: "constant" | "poisson";
  payloadBytes?: number;
}

export interface ResolvedConfig {
  seed: number;
  durationMs: number;
  warmupMs: number;
  cpu: { frequencyGHz: number; pcpus: number };
  dom0: { vcpus: number; pcpus: number[] };
  guests: { count: number; vcpus: number; pcpus: number[][] };
  nic: {
    ports: number;
    rateGbps: number;
    rxQueuesPerPort: number;
    queueSelect: "rss" | "vmdq";
    rxRingDescriptors: number;
    txRingDescriptors: number;
    txQueueLenPackets: number;
    itr: { mode: "dynamic-conservative" | "fixed" | "off"; fixedIntsPerSec: number };
    propagationDelayNs: number;
  };
  links: { portDelayNs: number[] | null; rxLossRate: number; txLossRate: number };
  clients: { perPort: number; accessRateGbps: number; accessDelayNs: number; switchBufferBytes: number };
  kernel: { napiWeight: number; netdevBudget: number; maxSoftirqRestart: number; netdevMaxBacklog: number };
  netback: {
    mode: "tasklet" | "kthread";
    groups: number;
    assignment: "least-loaded" | "round-robin" | "explicit";
    groupMap: number[];
    kthreadVcpus: number[];
    queueLenPackets: number;
    frontendCanQueue: boolean;
    scatterGather: boolean;
    coalesce: { count: number; timeUs: number };
  };
  evtchn: { dispatch: "vcpu0" | "round-robin" | "group-affine" | "dynamic"; rebalancePeriodMs: number };
  netfront: {
    napiWeight: number;
    rxTargetMin: number;
    rxTargetDefault: number;
    rxTargetMax: number;
    txQueueLenPackets: number;
    lro: { enabled: boolean; maxAggr: number; descriptors: number };
  };
  tcp: {
    mtuBytes: number;
    timestamps: boolean;
    initialCwndSegments: number;
    rcvBufBytes: number;
    rtoMinMs: number;
    delayedAckMs: number;
    dupAckThreshold: number;
    sack: boolean;
  };
  traffic: { rxStreamsPerGuest: number; txStreamsPerGuest: number; startJitterUs: number; udp: UdpSourceConfig[]; profiles: TrafficProfile[] };
  app: { recvBytes: number; udpRcvBufBytes: number };
  costs: Record<string, number>;
  /** Name of the preset the config started from, if any. */
  preset: string | null;
}

/** Invalid configuration: one line naming the field, the value and what is allowed. */
export class ConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  constructor(field: string, value: unknown, allowed: string) {
    super(`${field || "config"}: ${show(value)} is not allowed; expected ${allowed}`);
    this.name = "ConfigError";
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

function show(v: unknown): string {
  if (v === undefined) return "undefined";
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? s.slice(0, 77) + "..." : s;
  } catch {
    return String(v);
  }
}

type Tree = { [k: string]: Tree | ParamSpec };
const isSpec = (x: Tree | ParamSpec): x is ParamSpec => typeof (x as ParamSpec).kind === "string" && typeof (x as ParamSpec).path === "string";

/** The parameter table as a tree of object keys. */
const TREE: Tree = (() => {
  const root: Tree = {};
  for (const p of PARAMS) {
    const parts = p.path.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      node[k] ??= {};
      node = node[k] as Tree;
    }
    node[parts[parts.length - 1]!] = p;
  }
  return root;
})();

function clone<T>(v: T): T {
  return v === null || typeof v !== "object" ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Default values as a nested object (computed parameters left null). */
export function defaultConfigObject(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of PARAMS) setPath(out, p.path, clone(p.default));
  return out;
}

/** Sets a dotted path in a nested object, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    if (node[k] === null || typeof node[k] !== "object" || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function getPath(obj: unknown, path: string): unknown {
  let node = obj;
  for (const k of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/** Merges a user object into `target`, rejecting keys the table does not know. */
function mergeChecked(target: Record<string, unknown>, input: unknown, tree: Tree, prefix: string): void {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ConfigError(prefix, input, "an object");
  }
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (k === "preset" && !prefix) continue;
    const node = tree[k];
    if (node === undefined) {
      throw new ConfigError(path, v, `a known field (unknown field; allowed here: ${Object.keys(tree).join(", ")})`);
    }
    if (isSpec(node)) {
      setPath(target, path, clone(v));
    } else {
      mergeChecked(target, v, node, path);
    }
  }
}

function checkValue(p: ParamSpec, v: unknown): void {
  const f = p.path;
  if (v === null) {
    if (p.nullable) return;
    throw new ConfigError(f, v, describe(p));
  }
  switch (p.kind) {
    case "number":
    case "integer": {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new ConfigError(f, v, describe(p));
      if (p.kind === "integer" && !Number.isInteger(v)) throw new ConfigError(f, v, describe(p));
      if (p.min !== undefined && v < p.min) throw new ConfigError(f, v, describe(p));
      if (p.gt !== undefined && !(v > p.gt)) throw new ConfigError(f, v, describe(p));
      if (p.max !== undefined && v > p.max) throw new ConfigError(f, v, describe(p));
      if (p.lt !== undefined && !(v < p.lt)) throw new ConfigError(f, v, describe(p));
      return;
    }
    case "boolean":
      if (typeof v !== "boolean") throw new ConfigError(f, v, "true or false");
      return;
    case "enum":
      if (typeof v !== "string" || !p.values!.includes(v)) throw new ConfigError(f, v, `one of ${p.values!.map((x) => `"${x}"`).join(", ")}`);
      return;
    case "intList":
      if (!Array.isArray(v)) throw new ConfigError(f, v, "an array of non-negative integers or null");
      v.forEach((x, i) => {
        if (typeof x !== "number" || !Number.isInteger(x) || x < 0) throw new ConfigError(`${f}[${i}]`, x, "a non-negative integer");
      });
      return;
    case "intListList":
      if (!Array.isArray(v)) throw new ConfigError(f, v, "an array (one per guest) of arrays of PCPU ids, or null");
      v.forEach((row, i) => {
        if (!Array.isArray(row)) throw new ConfigError(`${f}[${i}]`, row, "an array of PCPU ids");
        row.forEach((x, j) => {
          if (typeof x !== "number" || !Number.isInteger(x) || x < 0) throw new ConfigError(`${f}[${i}][${j}]`, x, "a non-negative integer");
        });
      });
      return;
    case "udpList":
      if (!Array.isArray(v)) throw new ConfigError(f, v, "an array of UDP sources");
      v.forEach((s, i) => checkUdp(`${f}[${i}]`, s));
      return;
    case "profileList":
      if (!Array.isArray(v)) throw new ConfigError(f, v, "an array of traffic profiles");
      v.forEach((s, i) => checkProfile(`${f}[${i}]`, s));
      return;
  }
}

const PROFILE_KEYS = ["guests", "kind", "streams", "peer", "ratePps", "process", "payloadBytes", "requestBytes", "responseBytes", "thinkUs"];
const RR_KEYS = ["requestBytes", "responseBytes", "thinkUs"];
/** Checks one traffic profile and fills its defaults (streams = 1 for TCP kinds). */
function checkProfile(f: string, s: unknown): void {
  if (s === null || typeof s !== "object" || Array.isArray(s)) throw new ConfigError(f, s, "an object {guests, kind, ...}");
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!PROFILE_KEYS.includes(k)) throw new ConfigError(`${f}.${k}`, o[k], `a known field (allowed: ${PROFILE_KEYS.join(", ")})`);
  if (!Array.isArray(o.guests) || o.guests.length === 0) throw new ConfigError(`${f}.guests`, o.guests, "a non-empty array of guest indices");
  o.guests.forEach((g, j) => {
    if (typeof g !== "number" || !Number.isInteger(g) || g < 0) throw new ConfigError(`${f}.guests[${j}]`, g, "a guest index (integer >= 0)");
  });
  if (typeof o.kind !== "string" || !(PROFILE_KINDS as readonly string[]).includes(o.kind)) {
    throw new ConfigError(`${f}.kind`, o.kind, `one of ${PROFILE_KINDS.map((x) => `"${x}"`).join(", ")}`);
  }
  const unused = (k: string): void => {
    if (o[k] !== undefined) throw new ConfigError(`${f}.${k}`, o[k], `no value: kind "${o.kind as string}" does not use ${k}`);
  };
  if (o.kind !== "rr") RR_KEYS.forEach(unused);
  if (o.kind === "rr") {
    // netperf TCP_RR defaults: 1-byte request and response, no think time, one transaction in flight.
    if (o.streams === undefined) o.streams = 1;
    if (typeof o.streams !== "number" || !Number.isInteger(o.streams) || o.streams < 1 || o.streams > 1024) {
      throw new ConfigError(`${f}.streams`, o.streams, "an integer from 1 to 1024 sessions per guest");
    }
    for (const k of ["requestBytes", "responseBytes"]) {
      if (o[k] === undefined) o[k] = 1;
      const v = o[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1_048_576) throw new ConfigError(`${f}.${k}`, v, "an integer from 1 to 1048576 bytes");
    }
    if (o.thinkUs === undefined) o.thinkUs = 0;
    if (typeof o.thinkUs !== "number" || !Number.isFinite(o.thinkUs) || o.thinkUs < 0 || o.thinkUs > 1e7) throw new ConfigError(`${f}.thinkUs`, o.thinkUs, "a time from 0 to 1e7 us");
    ["peer", "ratePps", "process", "payloadBytes"].forEach(unused);
  } else if (o.kind === "tcp-rx" || o.kind === "tcp-tx" || o.kind === "tcp-to-guest") {
    if (o.streams === undefined) o.streams = 1;
    if (typeof o.streams !== "number" || !Number.isInteger(o.streams) || o.streams < 1 || o.streams > 1024) {
      throw new ConfigError(`${f}.streams`, o.streams, "an integer from 1 to 1024 flows per guest");
    }
    ["ratePps", "process", "payloadBytes"].forEach(unused);
    if (o.kind === "tcp-to-guest") {
      if (typeof o.peer !== "number" || !Number.isInteger(o.peer) || o.peer < 0) throw new ConfigError(`${f}.peer`, o.peer, "the index of the receiving guest (integer >= 0)");
      if ((o.guests as number[]).includes(o.peer)) throw new ConfigError(`${f}.peer`, o.peer, "a guest other than the senders in guests (a guest does not send to itself)");
    } else unused("peer");
  } else if (o.kind === "udp-rx") {
    checkUdp(f, { guest: 0, ratePps: o.ratePps, process: o.process, payloadBytes: o.payloadBytes });
    unused("streams");
    unused("peer");
  } else {
    ["streams", "peer", "ratePps", "process", "payloadBytes"].forEach(unused);
  }
}

const UDP_KEYS = ["guest", "ratePps", "process", "payloadBytes"];
function checkUdp(f: string, s: unknown): void {
  if (s === null || typeof s !== "object" || Array.isArray(s)) throw new ConfigError(f, s, "an object {guest, ratePps, process, payloadBytes}");
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!UDP_KEYS.includes(k)) throw new ConfigError(`${f}.${k}`, o[k], `a known field (allowed: ${UDP_KEYS.join(", ")})`);
  if (typeof o.guest !== "number" || !Number.isInteger(o.guest) || o.guest < 0) throw new ConfigError(`${f}.guest`, o.guest, "a guest index (integer >= 0)");
  if (typeof o.ratePps !== "number" || !(o.ratePps > 0) || !Number.isFinite(o.ratePps)) throw new ConfigError(`${f}.ratePps`, o.ratePps, "a rate in packets/s greater than 0");
  if (o.process !== "constant" && o.process !== "poisson") throw new ConfigError(`${f}.process`, o.process, 'one of "constant", "poisson"');
  if (typeof o.payloadBytes !== "number" || !Number.isInteger(o.payloadBytes) || o.payloadBytes < 1 || o.payloadBytes > 65507) {
    throw new ConfigError(`${f}.payloadBytes`, o.payloadBytes, "an integer from 1 to 65507 bytes");
  }
}

/** What a parameter allows, in words. */
export function describe(p: ParamSpec): string {
  const unit = p.unit ? ` ${p.unit}` : "";
  const null_ = p.nullable ? " or null" : "";
  if (p.kind === "enum") return `one of ${p.values!.map((x) => `"${x}"`).join(", ")}`;
  if (p.kind === "boolean") return "true or false";
  if (p.kind === "intList") return `an array of integers${null_}`;
  if (p.kind === "intListList") return `an array of integer arrays${null_}`;
  if (p.kind === "udpList") return "an array of UDP sources";
  if (p.kind === "profileList") return "an array of traffic profiles";
  const what = p.kind === "integer" ? "an integer" : "a number";
  const lo = p.gt !== undefined ? `> ${p.gt}` : p.min !== undefined ? `>= ${p.min}` : "";
  const hi = p.lt !== undefined ? `< ${p.lt}` : p.max !== undefined ? `<= ${p.max}` : "";
  const range = [lo, hi].filter(Boolean).join(" and ");
  return `${what}${range ? " " + range : ""}${unit}${null_}`;
}

/**
 * Resolves a configuration: preset (by name, or `preset` field of an object), then the object's
 * fields, then dotted-path overrides, over the defaults; validates every field and the
 * relations between fields; fills computed fields. Throws ConfigError.
 */
export function resolveConfig(input: unknown = {}, overrides: Record<string, unknown> = {}): ResolvedConfig {
  const cfg = defaultConfigObject();
  let presetName: string | null = null;
  let obj: unknown = input;
  if (typeof input === "string") {
    presetName = input;
    obj = {};
  } else if (input !== null && typeof input === "object" && !Array.isArray(input) && "preset" in input) {
    const pn = (input as Record<string, unknown>).preset;
    if (pn !== null && pn !== undefined) {
      if (typeof pn !== "string") throw new ConfigError("preset", pn, `a preset name (${Object.keys(PRESETS).join(", ")})`);
      presetName = pn;
    }
  }
  if (presetName !== null) {
    const preset = PRESETS[presetName];
    if (!preset) throw new ConfigError("preset", presetName, `one of ${Object.keys(PRESETS).map((x) => `"${x}"`).join(", ")}`);
    mergeChecked(cfg, preset.config, TREE, "");
  }
  mergeChecked(cfg, obj, TREE, "");
  for (const [path, value] of Object.entries(overrides)) {
    const spec = PARAM_BY_PATH.get(path);
    if (!spec) {
      throw new ConfigError(path, value, `a known parameter path (see \`pvnetsim params\`)`);
    }
    setPath(cfg, path, clone(value));
  }
  for (const p of PARAMS) checkValue(p, getPath(cfg, p.path));
  const r = cfg as unknown as ResolvedConfig;
  r.preset = presetName;
  checkRelations(r);
  return r;
}

function checkRelations(r: ResolvedConfig): void {
  const D = r.dom0.vcpus;
  const N = r.guests.count;
  const P = r.cpu.pcpus;
  const totalVcpus = D + N * r.guests.vcpus;
  if (totalVcpus > P) {
    throw new ConfigError("cpu.pcpus", P, `at least ${totalVcpus} (dom0.vcpus + guests.count * guests.vcpus; every VCPU is pinned to its own PCPU)`);
  }
  // Pinning: explicit or sequential, every PCPU used once.
  if (r.dom0.pcpus === null) r.dom0.pcpus = Array.from({ length: D }, (_, i) => i);
  if (r.dom0.pcpus.length !== D) throw new ConfigError("dom0.pcpus", r.dom0.pcpus, `${D} PCPU ids (one per dom0 VCPU)`);
  if (r.guests.pcpus === null) {
    let next = 0;
    const used = new Set(r.dom0.pcpus);
    r.guests.pcpus = Array.from({ length: N }, () =>
      Array.from({ length: r.guests.vcpus }, () => {
        while (used.has(next)) next++;
        used.add(next);
        return next++;
      }),
    );
  }
  if (r.guests.pcpus.length !== N) throw new ConfigError("guests.pcpus", r.guests.pcpus, `${N} arrays (one per guest)`);
  const seen = new Map<number, string>();
  const pin = (field: string, pc: number): void => {
    if (pc >= P) throw new ConfigError(field, pc, `a PCPU id from 0 to ${P - 1} (cpu.pcpus = ${P})`);
    const other = seen.get(pc);
    if (other) throw new ConfigError(field, pc, `a PCPU not already used by ${other} (VCPUs are pinned 1:1)`);
    seen.set(pc, field);
  };
  r.dom0.pcpus.forEach((pc, i) => pin(`dom0.pcpus[${i}]`, pc));
  r.guests.pcpus.forEach((row, g) => {
    if (row.length !== r.guests.vcpus) throw new ConfigError(`guests.pcpus[${g}]`, row, `${r.guests.vcpus} PCPU ids (guests.vcpus)`);
    row.forEach((pc, j) => pin(`guests.pcpus[${g}][${j}]`, pc));
  });
  // Netback groups and their placement.
  const G = r.netback.groups === 0 ? D : r.netback.groups;
  r.netback.groups = G;
  if (r.netback.assignment === "explicit") {
    const m = r.netback.groupMap;
    if (m === null || m.length !== N) throw new ConfigError("netback.groupMap", m, `${N} group ids (one per guest) when netback.assignment is "explicit"`);
    m.forEach((g, i) => {
      if (g >= G) throw new ConfigError(`netback.groupMap[${i}]`, g, `a group id from 0 to ${G - 1} (netback.groups = ${G})`);
    });
  } else {
    // Least-loaded at connect time with vifs connecting in order (C4) and round-robin both give i % G.
    r.netback.groupMap = Array.from({ length: N }, (_, i) => i % G);
  }
  if (r.netback.kthreadVcpus === null) r.netback.kthreadVcpus = Array.from({ length: G }, (_, g) => g % D);
  if (r.netback.kthreadVcpus.length !== G) throw new ConfigError("netback.kthreadVcpus", r.netback.kthreadVcpus, `${G} dom0 VCPU ids (one per group)`);
  r.netback.kthreadVcpus.forEach((v, i) => {
    if (v >= D) throw new ConfigError(`netback.kthreadVcpus[${i}]`, v, `a dom0 VCPU id from 0 to ${D - 1}`);
  });
  if (r.netback.coalesce.count > 1 && r.netback.coalesce.timeUs <= 0) {
    throw new ConfigError("netback.coalesce.timeUs", r.netback.coalesce.timeUs, "a time > 0 us when netback.coalesce.count > 1 (a held notification needs a timer)");
  }
  const nf = r.netfront;
  if (!(nf.rxTargetMin <= nf.rxTargetDefault && nf.rxTargetDefault <= nf.rxTargetMax)) {
    throw new ConfigError("netfront.rxTargetDefault", nf.rxTargetDefault, `a value between netfront.rxTargetMin (${nf.rxTargetMin}) and netfront.rxTargetMax (${nf.rxTargetMax})`);
  }
  // A stopped vif queue restarts only when netfront refills at least MAX_SKB_FRAGS+2 requests, and
  // netfront refills only batches >= rx_target/2 (D3). With a floor below 2 x 20 both can wait on
  // each other forever; Linux breaks that with netback's 500 ms queue timer, which is not modelled.
  const need = r.netback.scatterGather ? 20 : 1;
  if (r.netback.frontendCanQueue && nf.rxTargetMin < 2 * need) {
    throw new ConfigError("netfront.rxTargetMin", nf.rxTargetMin, `at least ${2 * need} when the vif queue can stop (netback.frontendCanQueue) and needs ${need} free requests`);
  }
  if (r.links.portDelayNs !== null && r.links.portDelayNs.length !== r.nic.ports) {
    throw new ConfigError("links.portDelayNs", r.links.portDelayNs, `${r.nic.ports} delays in ns (one per port, nic.ports) or null`);
  }
  r.traffic.udp.forEach((s, i) => {
    if (s.guest >= N) throw new ConfigError(`traffic.udp[${i}].guest`, s.guest, `a guest index from 0 to ${N - 1}`);
  });
  if (r.tcp.mtuBytes - 40 - (r.tcp.timestamps ? 12 : 0) < 1) throw new ConfigError("tcp.mtuBytes", r.tcp.mtuBytes, "an MTU leaving room for TCP payload");
  r.traffic.profiles.forEach((p, i) =>
    p.guests.forEach((g, j) => {
      if (g >= N) throw new ConfigError(`traffic.profiles[${i}].guests[${j}]`, g, `a guest index from 0 to ${N - 1}`);
    }),
  );
  r.traffic.profiles.forEach((p, i) => {
    if (p.peer !== undefined && p.peer >= N) throw new ConfigError(`traffic.profiles[${i}].peer`, p.peer, `a guest index from 0 to ${N - 1}`);
  });
  const profiled = r.traffic.profiles.some((p) => p.kind !== "idle");
  if (r.traffic.rxStreamsPerGuest + r.traffic.txStreamsPerGuest + r.traffic.udp.length === 0 && !profiled) {
    throw new ConfigError("traffic", r.traffic, "at least one TCP stream or UDP source");
  }
}

/** JSON Schema (draft 2020-12) of the configuration object, for editors and tools. */
export function configJsonSchema(): Record<string, unknown> {
  const build = (tree: Tree): Record<string, unknown> => {
    const props: Record<string, unknown> = {};
    for (const [k, node] of Object.entries(tree)) props[k] = isSpec(node) ? specSchema(node) : build(node);
    return { type: "object", additionalProperties: false, properties: props };
  };
  const root = build(TREE);
  (root.properties as Record<string, unknown>).preset = { type: ["string", "null"], enum: [...Object.keys(PRESETS), null], description: "Preset the configuration starts from." };
  return { $schema: "https://json-schema.org/draft/2020-12/schema", title: "pvnetsim configuration", ...root };
}

function specSchema(p: ParamSpec): Record<string, unknown> {
  const d = `${p.help}${p.unit ? ` Unit: ${p.unit}.` : ""} Source: ${p.source}.`;
  const base: Record<string, unknown> = { description: d, default: p.default };
  const nullable = (t: string): string | string[] => (p.nullable ? [t, "null"] : t);
  switch (p.kind) {
    case "number":
      return { ...base, type: nullable("number"), ...(p.min !== undefined ? { minimum: p.min } : {}), ...(p.gt !== undefined ? { exclusiveMinimum: p.gt } : {}), ...(p.max !== undefined ? { maximum: p.max } : {}), ...(p.lt !== undefined ? { exclusiveMaximum: p.lt } : {}) };
    case "integer":
      return { ...base, type: nullable("integer"), ...(p.min !== undefined ? { minimum: p.min } : {}), ...(p.max !== undefined ? { maximum: p.max } : {}) };
    case "boolean":
      return { ...base, type: "boolean" };
    case "enum":
      return { ...base, enum: p.values };
    case "intList":
      return { ...base, type: nullable("array"), items: { type: "integer", minimum: 0 } };
    case "intListList":
      return { ...base, type: nullable("array"), items: { type: "array", items: { type: "integer", minimum: 0 } } };
    case "profileList":
      return {
        ...base,
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["guests", "kind"],
          properties: {
            guests: { type: "array", minItems: 1, items: { type: "integer", minimum: 0 } },
            kind: { enum: PROFILE_KINDS },
            streams: { type: "integer", minimum: 1, maximum: 1024, description: "tcp-rx, tcp-tx, tcp-to-guest: flows per guest (default 1)." },
            peer: { type: "integer", minimum: 0, description: "tcp-to-guest: the receiving guest." },
            requestBytes: { type: "integer", minimum: 1, maximum: 1048576, description: "rr: request payload bytes (default 1)." },
            responseBytes: { type: "integer", minimum: 1, maximum: 1048576, description: "rr: response payload bytes (default 1)." },
            thinkUs: { type: "number", minimum: 0, maximum: 1e7, description: "rr: client think time between a response and the next request, us (default 0)." },
            ratePps: { type: "number", exclusiveMinimum: 0, description: "udp-rx: packets/s into each guest." },
            process: { enum: ["constant", "poisson"], description: "udp-rx: inter-packet gaps." },
            payloadBytes: { type: "integer", minimum: 1, maximum: 65507, description: "udp-rx: UDP payload bytes." },
          },
        },
      };
    case "udpList":
      return {
        ...base,
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: UDP_KEYS,
          properties: {
            guest: { type: "integer", minimum: 0 },
            ratePps: { type: "number", exclusiveMinimum: 0 },
            process: { enum: ["constant", "poisson"] },
            payloadBytes: { type: "integer", minimum: 1, maximum: 65507 },
          },
        },
      };
  }
}
