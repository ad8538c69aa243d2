// Schemas of the structured items of list parameters: a UDP source (traffic.udp[]) and a traffic
// profile (traffic.profiles[], one shape per kind). Each field carries the words its error line
// uses for what is allowed; the profile defaults (netperf's) are filled in after validation.

import { z } from "../vendor/zod.js";
import { PROFILE_KINDS, type ProfileKind, type TrafficProfile } from "./types.js";

/** A field of an item: its schema and what its error line says is allowed. */
interface Field {
  schema: z.ZodType;
  allowed: string;
}

const PROCESS: Field = {
  schema: z.enum(["constant", "poisson"]).meta({ description: "Inter-packet gaps: constant or Poisson." }),
  allowed: 'one of "constant", "poisson"',
};
const PAYLOAD: Field = {
  schema: z.number().int().min(1).max(65507).meta({ description: "UDP payload bytes." }),
  allowed: "an integer from 1 to 65507 bytes",
};
const RATE: Field = { schema: z.number().gt(0), allowed: "a rate in packets/s greater than 0" };

export const UDP_FIELDS: Readonly<Record<string, Field>> = {
  guest: { schema: z.number().int().min(0), allowed: "a guest index (integer >= 0)" },
  ratePps: RATE,
  process: PROCESS,
  payloadBytes: PAYLOAD,
};
export const UDP_KEYS = Object.keys(UDP_FIELDS);
export const UDP_ALLOWED = "an object {guest, ratePps, process, payloadBytes}";

export const UDP_SOURCE = z.strictObject(Object.fromEntries(UDP_KEYS.map((k) => [k, UDP_FIELDS[k]!.schema])));

// ---- traffic profiles ----

const streams = (what: string): Field => ({
  schema: z.number().int().min(1).max(1024),
  allowed: `an integer from 1 to 1024 ${what} per guest`,
});
const bytes = (what: string): Field => ({
  schema: z
    .number()
    .int()
    .min(1)
    .max(1_048_576)
    .meta({ description: `rr: ${what} payload bytes (default 1).` }),
  allowed: "an integer from 1 to 1048576 bytes",
});

/** Fields of a profile, common to all kinds or used by some; `streams` reads differently for rr. */
const PROFILE_FIELDS: Readonly<Record<string, Field>> = {
  guests: { schema: z.array(z.number().int().min(0)).min(1), allowed: "a non-empty array of guest indices" },
  streams: streams("flows"),
  peer: {
    schema: z.number().int().min(0).meta({ description: "tcp-to-guest: the receiving guest." }),
    allowed: "the index of the receiving guest (integer >= 0)",
  },
  requestBytes: bytes("request"),
  responseBytes: bytes("response"),
  thinkUs: {
    schema: z
      .number()
      .min(0)
      .max(1e7)
      .meta({ description: "rr: client think time between transactions, us (default 0)." }),
    allowed: "a time from 0 to 1e7 us",
  },
  ratePps: RATE,
  process: PROCESS,
  payloadBytes: PAYLOAD,
  quantumUs: {
    schema: z
      .number()
      .min(1)
      .max(1e6)
      .meta({ description: "cpu-hog: application time of one turn of the busy loop, us (default 100)." }),
    allowed: "a time from 1 to 1e6 us",
  },
};
const RR_STREAMS = streams("sessions");
export const PROFILE_KEYS = ["guests", "kind", ...Object.keys(PROFILE_FIELDS).filter((k) => k !== "guests")];
export const PROFILE_ALLOWED = "an object {guests, kind, ...}";

/** Fields each kind takes (optional ones get their defaults after validation). */
const KIND_FIELDS: Readonly<Record<ProfileKind, { required: string[]; optional: string[] }>> = {
  "tcp-rx": { required: [], optional: ["streams"] },
  "tcp-tx": { required: [], optional: ["streams"] },
  "tcp-to-guest": { required: ["peer"], optional: ["streams"] },
  "udp-rx": { required: ["ratePps", "process", "payloadBytes"], optional: [] },
  rr: { required: [], optional: ["streams", "requestBytes", "responseBytes", "thinkUs"] },
  "cpu-hog": { required: [], optional: ["quantumUs"] },
  idle: { required: [], optional: [] },
};

/** What a field of a profile of `kind` allows. */
export function profileFieldAllowed(kind: unknown, field: string): string | undefined {
  if (field === "kind") return `one of ${PROFILE_KINDS.map((x) => `"${x}"`).join(", ")}`;
  if (field === "streams" && kind === "rr") return RR_STREAMS.allowed;
  return Object.hasOwn(PROFILE_FIELDS, field) ? PROFILE_FIELDS[field]!.allowed : undefined;
}

/** Whether some kind of profile takes `field` (a field of another kind is "no value", not unknown). */
export const isProfileField = (field: string): boolean => PROFILE_KEYS.includes(field);

export const TRAFFIC_PROFILE = z.discriminatedUnion(
  "kind",
  PROFILE_KINDS.map((kind) => {
    const f = KIND_FIELDS[kind];
    const shape: Record<string, z.ZodType> = { guests: PROFILE_FIELDS.guests!.schema, kind: z.literal(kind) };
    for (const k of f.required) shape[k] = PROFILE_FIELDS[k]!.schema;
    for (const k of f.optional)
      shape[k] = (k === "streams" && kind === "rr" ? RR_STREAMS : PROFILE_FIELDS[k]!).schema.optional();
    return z.strictObject(shape);
  }) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/**
 * Fills the defaults of a validated profile in place: one stream (or session) for the TCP kinds,
 * netperf TCP_RR's 1-byte request and response with no think time for rr, 100 us turns for cpu-hog.
 */
export function fillProfileDefaults(p: TrafficProfile): void {
  if (p.kind === "rr" || p.kind === "tcp-rx" || p.kind === "tcp-tx" || p.kind === "tcp-to-guest") p.streams ??= 1;
  if (p.kind === "rr") {
    p.requestBytes ??= 1;
    p.responseBytes ??= 1;
    p.thinkUs ??= 0;
  }
  // A busy loop on every VCPU of the guest; 100 us turns keep its delay to the guest's own
  // interrupts small against network latencies (assembly/guest/hog.ts).
  if (p.kind === "cpu-hog") p.quantumUs ??= 100;
}
