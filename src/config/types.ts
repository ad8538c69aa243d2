// The resolved configuration's type, derived from the parameter table: one field per parameter,
// at its dotted path, of the type its kind gives (enum parameters as the union of their values).
// Adding a parameter to PARAM_TABLE adds it here; nothing is written twice. The structured values
// of list parameters (UDP sources, traffic profiles) are declared below, once.

import type { PARAM_TABLE } from "./params.js";

/** One open-loop UDP source (the items of traffic.udp). */
export interface UdpSourceConfig {
  guest: number;
  ratePps: number;
  process: "constant" | "poisson";
  payloadBytes: number;
}

export type ProfileKind = "tcp-rx" | "tcp-tx" | "tcp-to-guest" | "tcp-to-dom0" | "udp-rx" | "rr" | "cpu-hog" | "idle";
export const PROFILE_KINDS: readonly ProfileKind[] = [
  "tcp-rx",
  "tcp-tx",
  "tcp-to-guest",
  "tcp-to-dom0",
  "udp-rx",
  "rr",
  "cpu-hog",
  "idle",
];

/** Traffic of a group of guests (traffic.profiles[]); fields not used by its kind stay absent. */
export interface TrafficProfile {
  guests: number[];
  kind: ProfileKind;
  /** tcp-rx, tcp-tx, tcp-to-guest, tcp-to-dom0: streams per guest; rr: sessions per guest (filled with 1
   *  when absent). */
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
  /** cpu-hog: application time of one turn of the busy loop, us (filled with 100 when absent). */
  quantumUs?: number;
}

type Row = (typeof PARAM_TABLE)[number];

/** Nullable parameters that resolution fills in (the others may stay null). */
type FilledIn =
  | "dom0.pcpus"
  | "guests.pcpus"
  | "guests.weights"
  | "guests.capsPercent"
  | "netback.groupMap"
  | "netback.kthreadVcpus";

/** The resolved value of a parameter. */
type ValueOf<P> = P extends { nullable: true; path: infer S }
  ? S extends FilledIn
    ? KindValue<P>
    : KindValue<P> | null
  : KindValue<P>;

/** The value type a parameter's kind gives. */
type KindValue<P> = P extends { kind: "number" | "integer" }
  ? number
  : P extends { kind: "boolean" }
    ? boolean
    : P extends { kind: "enum"; values: readonly (infer V)[] }
      ? V
      : P extends { kind: "intList" }
        ? number[]
        : P extends { kind: "intListList" }
          ? number[][]
          : P extends { kind: "udpList" }
            ? UdpSourceConfig[]
            : P extends { kind: "profileList" }
              ? TrafficProfile[]
              : never;

/** "a.b.c", V -> { a: { b: { c: V } } } */
type Nest<Path extends string, V> = Path extends `${infer Head}.${infer Rest}`
  ? { [K in Head]: Nest<Rest, V> }
  : { [K in Path]: V };

/** One nested object per row (distributes over the union of rows). */
type Entry<P> = P extends { path: infer S extends string } ? Nest<S, ValueOf<P>> : never;

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Flattens intersections into plain nested object types (readable in editors). */
type Expand<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: Expand<T[K]> } : T;

/** A fully resolved configuration: every parameter, validated, computed fields filled in. */
export type ResolvedConfig = Expand<Intersect<Entry<Row>>> & {
  /** Name of the preset the config started from, if any. */
  preset: string | null;
};
