// The structured items of list parameters: a UDP source (traffic.udp[]) and a traffic profile
// (traffic.profiles[], one shape per kind). Each field is declared once, as a rule with the words
// its error line uses for what is allowed; the zod schemas and the quick check are made from it.
// The profile defaults (netperf's) are filled in after validation.

import { z } from "../vendor/zod.js";
import { PROFILE_KINDS, type ProfileKind, type TrafficProfile } from "./types.js";

/**
 * What a field of an item takes, as data: the zod schemas below and the quick check
 * (quick-check.ts) are both made from it. "guests": a non-empty array of guest indices.
 */
export type ItemRule =
  | { kind: "number" | "integer"; min?: number; gt?: number; max?: number }
  | { kind: "enum"; values: readonly [string, ...string[]] }
  | { kind: "guests" };

/** A field of an item: its rule, what its error line says is allowed, and its JSON Schema text. */
export interface Field {
  rule: ItemRule;
  allowed: string;
  description?: string;
}

const PROCESS: Field = {
  rule: { kind: "enum", values: ["constant", "poisson"] },
  allowed: 'one of "constant", "poisson"',
  description: "Inter-packet gaps: constant or Poisson.",
};
const PAYLOAD: Field = {
  rule: { kind: "integer", min: 1, max: 65507 },
  allowed: "an integer from 1 to 65507 bytes",
  description: "UDP payload bytes.",
};
const RATE: Field = { rule: { kind: "number", gt: 0 }, allowed: "a rate in packets/s greater than 0" };

export const UDP_FIELDS: Readonly<Record<string, Field>> = {
  guest: { rule: { kind: "integer", min: 0 }, allowed: "a guest index (integer >= 0)" },
  ratePps: RATE,
  process: PROCESS,
  payloadBytes: PAYLOAD,
};
export const UDP_KEYS = Object.keys(UDP_FIELDS);
export const UDP_ALLOWED = "an object {guest, ratePps, process, payloadBytes}";

// ---- traffic profiles ----

const streams = (what: string): Field => ({
  rule: { kind: "integer", min: 1, max: 1024 },
  allowed: `an integer from 1 to 1024 ${what} per guest`,
});
const bytes = (what: string): Field => ({
  rule: { kind: "integer", min: 1, max: 1_048_576 },
  allowed: "an integer from 1 to 1048576 bytes",
  description: `rr: ${what} payload bytes (default 1).`,
});

/** Fields of a profile, common to all kinds or used by some; `streams` reads differently for rr. */
export const PROFILE_FIELDS: Readonly<Record<string, Field>> = {
  guests: { rule: { kind: "guests" }, allowed: "a non-empty array of guest indices" },
  streams: streams("flows"),
  peer: {
    rule: { kind: "integer", min: 0 },
    allowed: "the index of the receiving guest (integer >= 0)",
    description: "tcp-to-guest: the receiving guest.",
  },
  requestBytes: bytes("request"),
  responseBytes: bytes("response"),
  thinkUs: {
    rule: { kind: "number", min: 0, max: 1e7 },
    allowed: "a time from 0 to 1e7 us",
    description: "rr: client think time between transactions, us (default 0).",
  },
  ratePps: RATE,
  process: PROCESS,
  payloadBytes: PAYLOAD,
  quantumUs: {
    rule: { kind: "number", min: 1, max: 1e6 },
    allowed: "a time from 1 to 1e6 us",
    description: "cpu-hog: application time of one turn of the busy loop, us (default 100).",
  },
};
export const RR_STREAMS = streams("sessions");
export const PROFILE_KEYS = ["guests", "kind", ...Object.keys(PROFILE_FIELDS).filter((k) => k !== "guests")];
export const PROFILE_ALLOWED = "an object {guests, kind, ...}";

/** Fields each kind takes (optional ones get their defaults after validation). */
export const KIND_FIELDS: Readonly<Record<ProfileKind, { required: string[]; optional: string[] }>> = {
  "tcp-rx": { required: [], optional: ["streams"] },
  "tcp-tx": { required: [], optional: ["streams"] },
  "tcp-to-guest": { required: ["peer"], optional: ["streams"] },
  "tcp-to-dom0": { required: [], optional: ["streams"] },
  "udp-rx": { required: ["ratePps", "process", "payloadBytes"], optional: [] },
  rr: { required: [], optional: ["streams", "requestBytes", "responseBytes", "thinkUs"] },
  "cpu-hog": { required: [], optional: ["quantumUs"] },
  idle: { required: [], optional: [] },
};

/** The field `k` of a profile of `kind` (rr's streams are sessions). */
export const profileField = (kind: ProfileKind, k: string): Field =>
  k === "streams" && kind === "rr" ? RR_STREAMS : PROFILE_FIELDS[k]!;

/** What a field of a profile of `kind` allows. */
export function profileFieldAllowed(kind: unknown, field: string): string | undefined {
  if (field === "kind") return `one of ${PROFILE_KINDS.map((x) => `"${x}"`).join(", ")}`;
  if (field === "streams" && kind === "rr") return RR_STREAMS.allowed;
  return Object.hasOwn(PROFILE_FIELDS, field) ? PROFILE_FIELDS[field]!.allowed : undefined;
}

/** Whether some kind of profile takes `field` (a field of another kind is "no value", not unknown). */
export const isProfileField = (field: string): boolean => PROFILE_KEYS.includes(field);

/** The zod schema of a field. */
function fieldSchema(f: Field): z.ZodType {
  const r = f.rule;
  let s: z.ZodType;
  if (r.kind === "enum") s = z.enum(r.values);
  else if (r.kind === "guests") s = z.array(z.number().int().min(0)).min(1);
  else {
    let n = r.kind === "integer" ? z.number().int() : z.number();
    if (r.min !== undefined) n = n.min(r.min);
    if (r.gt !== undefined) n = n.gt(r.gt);
    if (r.max !== undefined) n = n.max(r.max);
    s = n;
  }
  return f.description === undefined ? s : s.meta({ description: f.description });
}

// The zod schemas are built when first asked for: a run whose configuration passes the quick
// check never builds them (building zod schemas is a large part of the command line's start-up).
let udpSource: z.ZodType | undefined;
let trafficProfile: z.ZodType | undefined;

/** zod schema of a UDP source (traffic.udp[]). */
export function udpSourceSchema(): z.ZodType {
  udpSource ??= z.strictObject(Object.fromEntries(UDP_KEYS.map((k) => [k, fieldSchema(UDP_FIELDS[k]!)])));
  return udpSource;
}

/** zod schema of a traffic profile (traffic.profiles[]), one shape per kind. */
export function trafficProfileSchema(): z.ZodType {
  trafficProfile ??= z.discriminatedUnion(
    "kind",
    PROFILE_KINDS.map((kind) => {
      const f = KIND_FIELDS[kind];
      const shape: Record<string, z.ZodType> = {
        guests: fieldSchema(PROFILE_FIELDS.guests!),
        kind: z.literal(kind),
      };
      for (const k of f.required) shape[k] = fieldSchema(profileField(kind, k));
      for (const k of f.optional) shape[k] = fieldSchema(profileField(kind, k)).optional();
      return z.strictObject(shape);
    }) as unknown as [z.ZodObject, ...z.ZodObject[]],
  );
  return trafficProfile;
}

/**
 * Fills the defaults of a validated profile in place: one stream (or session) for the TCP kinds,
 * netperf TCP_RR's 1-byte request and response with no think time for rr, 100 us turns for cpu-hog.
 */
export function fillProfileDefaults(p: TrafficProfile): void {
  if (
    p.kind === "rr" ||
    p.kind === "tcp-rx" ||
    p.kind === "tcp-tx" ||
    p.kind === "tcp-to-guest" ||
    p.kind === "tcp-to-dom0"
  )
    p.streams ??= 1;
  if (p.kind === "rr") {
    p.requestBytes ??= 1;
    p.responseBytes ??= 1;
    p.thinkUs ??= 0;
  }
  // A busy loop on every VCPU of the guest; 100 us turns keep its delay to the guest's own
  // interrupts small against network latencies (assembly/guest/hog.ts).
  if (p.kind === "cpu-hog") p.quantumUs ??= 100;
}
