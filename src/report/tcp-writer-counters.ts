// Counters of the guests' TCP writer threads and send buffers (assembly/traffic/tcp/writer.ts and
// sndbuf.ts), reported in result.events beside the other counters of src/report/stats.ts.

import * as L from "../abi/layout.js";
import type { CounterInfo } from "./counter-info.js";

export const TCP_WRITER_COUNTERS: readonly CounterInfo[] = [
  {
    slot: L.ST_TCP_WRITER_SLEEPS,
    name: "tcpWriterSleeps",
    unit: "sleeps",
    description: "A guest's writer thread found its socket send buffer full and slept (sk_stream_wait_memory).",
  },
  {
    slot: L.ST_TCP_WRITER_WAKEUPS,
    name: "tcpWriterWakeups",
    unit: "wake-ups",
    description: "ACK processing freed a third of a full send buffer and woke its writer (sk_stream_write_space).",
  },
];
