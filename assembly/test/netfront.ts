// Mechanism test module: netfront's rx_target adaptation (D2-D4), the real function its NAPI
// poll calls. Driven by test/assembly/netfront.test.ts.

import { rxTargetAdapt } from "../netfront/netfront";

/** New target << 32 | refill batch, as the poll computes them. */
export function adapt(target: u32, min: u32, max: u32, posted: u32, produced: u32, consumed: u32): u64 {
  return rxTargetAdapt(target, min, max, posted, produced, consumed);
}
