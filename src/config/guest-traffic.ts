// What each guest runs: the TCP streams it receives and sends (to external hosts, other guests and
// dom0), its UDP sources, request/response sessions and busy loop, from the uniform traffic.*
// counts and traffic.profiles together; and where dom0 reads the streams guests send it.

import type { ResolvedConfig, UdpSourceConfig } from "./schema.js";

/** One request/response session (an rr profile's). */
export interface RrSession {
  guest: number;
  requestBytes: number;
  responseBytes: number;
  thinkUs: number;
}

/** What each guest runs: TCP streams it receives and sends, and every UDP source (the uniform
 *  traffic.* counts for every guest plus what traffic.profiles adds to the guests it names). */
export function guestTraffic(r: ResolvedConfig): {
  rx: number[];
  tx: number[];
  g2gSenders: number[][];
  /** Of tx[g], the streams guest g sends to a receiving process in dom0 (tcp-to-dom0). */
  toDom0: number[];
  udp: UdpSourceConfig[];
  rr: RrSession[];
  hogQuantumUs: number[];
} {
  const N = r.guests.count;
  const rx = Array.from({ length: N }, () => r.traffic.rxStreamsPerGuest);
  const tx = Array.from({ length: N }, () => r.traffic.txStreamsPerGuest);
  // For each receiving guest, the sending guest of each of its guest-to-guest flows.
  const g2gSenders = Array.from({ length: N }, (): number[] => []);
  const toDom0 = Array.from({ length: N }, () => 0);
  const udp = [...r.traffic.udp];
  const rr: RrSession[] = [];
  const hogQuantumUs = Array.from({ length: N }, () => 0);
  for (const p of r.traffic.profiles) {
    for (const g of p.guests) {
      if (p.kind === "tcp-rx") rx[g]! += p.streams!;
      else if (p.kind === "tcp-tx") tx[g]! += p.streams!;
      else if (p.kind === "tcp-to-dom0") {
        tx[g]! += p.streams!;
        toDom0[g]! += p.streams!;
      } else if (p.kind === "tcp-to-guest") for (let k = 0; k < p.streams!; k++) g2gSenders[p.peer!]!.push(g);
      else if (p.kind === "udp-rx")
        udp.push({ guest: g, ratePps: p.ratePps!, process: p.process!, payloadBytes: p.payloadBytes! });
      else if (p.kind === "rr") {
        for (let k = 0; k < p.streams!; k++)
          rr.push({ guest: g, requestBytes: p.requestBytes!, responseBytes: p.responseBytes!, thinkUs: p.thinkUs! });
      } else if (p.kind === "cpu-hog") hogQuantumUs[g] = p.quantumUs!;
    }
  }
  return { rx, tx, g2gSenders, toDom0, udp, rr, hogQuantumUs };
}

/** Per guest: its streams to dom0, and the dom0 VCPU its receiving process runs on. One process
 *  per sending guest (netserver forks one child per connection; the model gives a guest's streams
 *  one reader), spread over dom0's VCPUs in guest order: the k-th guest that sends to dom0 is read
 *  on VCPU k % dom0.vcpus, as the scheduler's load balancing spreads busy processes. */
export function dom0Receivers(toDom0: number[], dom0Vcpus: number): number[] {
  let k = 0;
  return toDom0.flatMap((n) => [n, n > 0 ? k++ % dom0Vcpus : 0]);
}
