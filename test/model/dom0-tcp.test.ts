// Guests sending TCP to a process in dom0 (netperf -H dom0, iperf to dom0), against the code the
// model follows:
//  - netback's guest-TX half hands each frame to netif_rx; the backlog poll's bridge finds dom0's
//    own address and passes it up (br_pass_frame_up): IP and TCP receive run in dom0, on the VCPU
//    of that poll, with tcp_v4_rcv's prequeue handing the rest of the TCP work to the reader
//    waiting in recv() (tcp_low_latency = 0), or doing all of it in the softirq (= 1);
//  - the reader (one process per sending guest, on a dom0 VCPU) copies to user space;
//  - dom0's ACKs go down the bridge device into the guest's vif: netback's guest-RX half copies
//    them into the guest, whose TCP opens its window. No frame touches the NIC.
import { beforeAll, describe, expect, it } from "vitest";
import { configErrorOf, dom0, run, type SimResult } from "../helpers.js";
import { PARAM_BY_PATH } from "../../dist/src/config/params.js";

const cost = (name: string): number => PARAM_BY_PATH.get(`costs.${name}`)!.default as number;
const short = { durationMs: 100, warmupMs: 50 };
const toDom0 = (extra: Record<string, unknown> = {}) => ({
  ...short,
  "traffic.rxStreamsPerGuest": 0,
  "traffic.profiles": [{ guests: [0, 1, 2, 3], kind: "tcp-to-dom0" }],
  ...extra,
});
const cycles = (r: SimResult, c: SimResult["cpu"][number], comp: string): number =>
  (c.breakdown[comp] ?? 0) * r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
const dom0Cycles = (r: SimResult, comp: string): number => dom0(r).reduce((s, c) => s + cycles(r, c, comp), 0);

describe("four guests sending TCP to dom0", () => {
  let r: SimResult;
  let lowLat: SimResult;
  let ext: SimResult;
  beforeAll(async () => {
    r = await run("paper-baseline", toDom0());
    lowLat = await run("paper-baseline", toDom0({ "tcp.lowLatency": true }));
    ext = await run("paper-baseline", { ...short, "traffic.rxStreamsPerGuest": 0, "traffic.txStreamsPerGuest": 1 });
  });

  it("every guest's stream makes progress, packets are conserved, and no frame touches the NIC", () => {
    for (const x of [r, lowLat]) {
      expect(x.state).toBe("completed");
      expect(x.conservation.ok).toBe(true);
      expect(x.conservation.injected).toBe(x.conservation.delivered + x.conservation.dropped + x.conservation.inFlight);
      for (const v of x.throughput.perVm) expect(v.txGoodputGbps).toBeGreaterThan(0.05);
      expect(x.events["nicRxFrames"]).toBe(0);
      expect(x.events["nicTxFrames"]).toBe(0);
      for (const c of x.cpu) expect(c.breakdown["nic"]).toBe(0);
    }
  });

  it("dom0's ACKs reach the guests through netback's guest-RX half", () => {
    const e = r.events;
    expect(e["tcpAcksSent"]!).toBeGreaterThan(0);
    // Every ACK dom0 sends is one frame netback copies into its guest (give or take those in
    // queues at the interval's ends, and the few the vif queue dropped).
    const dropped = r.drops["vif_qdisc_full"]!;
    expect(Math.abs(e["netbackRxPackets"]! + dropped - e["tcpAcksSent"]!)).toBeLessThanOrEqual(64);
    // The guests' TCP takes them (their stack work), and sends nothing but data: the data crosses
    // netback's TX half, one request per segment.
    expect(Math.abs(e["netbackTxPackets"]! - e["tcpSegmentsSent"]!)).toBeLessThanOrEqual(300);
    // Every skb netback built went up dom0's own stack (none to the NIC).
    expect(Math.abs(e["dom0StackSkbs"]! - e["netbackTxPackets"]!)).toBeLessThanOrEqual(300);
  });

  it("dom0 does the TCP receive work and the copy to user space; a transmit to an external host does neither", () => {
    for (const c of dom0(r)) {
      expect(c.breakdown["stack"]).toBeGreaterThan(0);
      // paper-baseline has four dom0 VCPUs: the k-th sending guest's reader runs on dom0 VCPU k.
      expect(c.breakdown["app"]).toBeGreaterThan(0);
    }
    for (const c of dom0(ext)) {
      expect(c.breakdown["stack"]).toBe(0);
      expect(c.breakdown["app"]).toBe(0);
    }
  });

  it("dom0's stack cycles are the guests' stack constants: receive per segment and per byte, transmit per ACK", () => {
    for (const x of [r, lowLat]) {
      const segs = x.events["tcpSegmentsSent"]!;
      const acks = x.events["tcpAcksSent"]!;
      const expected =
        segs * (cost("stackRxPacketCycles") + cost("stackRxPerByteCycles") * 1448) + acks * cost("stackTxPacketCycles");
      // Cross-VCPU wake-ups of the readers are charged to the waker's stack too (kthreadWakeCycles).
      const stack = dom0Cycles(x, "stack");
      expect(stack).toBeGreaterThan(expected * 0.97);
      expect(stack).toBeLessThan(expected * 1.08);
      // The copy to user: a recv() call and costs.appCopyPerByteCycles per byte of every segment.
      const app = dom0Cycles(x, "app");
      expect(app).toBeGreaterThan(segs * 1448 * cost("appCopyPerByteCycles") * 0.97);
    }
  });

  it("with tcp_low_latency = 0 the reader's context does the TCP work; with 1, the softirq", async () => {
    // Netback in one kthread on dom0 VCPU 0, so netif_rx, the bridge and the softirq's share of
    // TCP run there; guest 1's reader runs alone on dom0 VCPU 1: the stack cycles on VCPU 1 are
    // the TCP work its context did.
    const two = toDom0({
      "dom0.vcpus": 2,
      "cpu.pcpus": 4,
      "guests.count": 2,
      "nic.ports": 2,
      "netback.mode": "kthread",
      "netback.groups": 1,
      "netback.kthreadVcpus": [0],
      "traffic.profiles": [{ guests: [0, 1], kind: "tcp-to-dom0" }],
    });
    const pre = await run("paper-baseline", two);
    const soft = await run("paper-baseline", { ...two, "tcp.lowLatency": true });
    expect(pre.conservation.ok && soft.conservation.ok).toBe(true);
    const readerStack = (x: SimResult) => cycles(x, dom0(x)[1]!, "stack");
    const readerApp = (x: SimResult) => cycles(x, dom0(x)[1]!, "app");
    // Segments guest 1 sent in the interval, from its goodput.
    const segs = (x: SimResult) => (x.throughput.perVm[1]!.txGoodputGbps * 1e9 * x.config.durationMs * 1e-3) / 8 / 1448;
    expect(segs(pre)).toBeGreaterThan(1000);
    expect(segs(soft)).toBeGreaterThan(1000);
    // Prequeue: the reader runs tcp_v4_do_rcv (all of the receive cost but the socket lookup).
    const perSeg = cost("stackRxPacketCycles") - cost("stackRxDemuxCycles") + cost("stackRxPerByteCycles") * 1448;
    expect(readerStack(pre) / segs(pre)).toBeGreaterThan(0.9 * perSeg);
    // tcp_low_latency: the softirq on VCPU 0 did it all; the reader only copies.
    expect(readerStack(soft)).toBe(0);
    expect(readerApp(soft) / segs(soft)).toBeGreaterThan(0.9 * cost("appCopyPerByteCycles") * 1448);
  });
});

describe("guests sending to dom0 through netback's NAPI mode (Linux 3.12-3.14)", () => {
  it("the vif's poll hands dom0 its skbs: the same stack work, charged to the same dom0 VCPUs", async () => {
    const napi = await run(
      "paper-baseline",
      toDom0({ "netback.mode": "napi", "netback.txGrantCopy": true, "evtchn.dispatch": "round-robin" }),
    );
    expect(napi.state).toBe("completed");
    expect(napi.conservation.ok).toBe(true);
    for (const v of napi.throughput.perVm) expect(v.txGoodputGbps).toBeGreaterThan(0.05);
    const segs = napi.events["tcpSegmentsSent"]!;
    const acks = napi.events["tcpAcksSent"]!;
    const expected =
      segs * (cost("stackRxPacketCycles") + cost("stackRxPerByteCycles") * 1448) + acks * cost("stackTxPacketCycles");
    const stack = dom0Cycles(napi, "stack");
    expect(stack).toBeGreaterThan(expected * 0.97);
    expect(stack).toBeLessThan(expected * 1.08);
    // dom0's ACKs reach the guests through the vifs' guest-RX threads.
    expect(napi.events["netbackRxPackets"]!).toBeGreaterThan(0.1 * acks);
  });
});

describe("netloop (2.6.18-xen): dom0's address on veth0 behind the bridge's vif0.0 port", () => {
  it("every frame to dom0 is copied off the guest's pages and passes the backlog twice", async () => {
    const one = toDom0({ "traffic.profiles": [{ guests: [0], kind: "tcp-to-dom0" }] });
    const direct = await run("single-guest", one);
    const loop = await run("single-guest", { ...one, "netback.netloop": true });
    for (const x of [direct, loop]) {
      expect(x.conservation.ok).toBe(true);
      expect(x.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(0.1);
    }
    // Every skb dom0's stack takes crossed netloop first (give or take the interval's edges), and
    // none does without it.
    expect(direct.events["netloopCopies"]).toBe(0);
    expect(direct.events["dom0StackSkbs"]!).toBeGreaterThan(1000);
    expect(Math.abs(loop.events["netloopCopies"]! - loop.events["dom0StackSkbs"]!)).toBeLessThanOrEqual(64);
    // netif_rx on veth0: the backlog is polled again for every frame.
    const pollsPerSeg = (x: SimResult) => x.events["napiPollsDom0"]! / x.events["tcpSegmentsSent"]!;
    expect(pollsPerSeg(loop)).toBeGreaterThan(pollsPerSeg(direct));
  });

  it("is refused with netback's NAPI mode, which has none", () => {
    const e = configErrorOf("paper-baseline", {
      "netback.netloop": true,
      "netback.mode": "napi",
      "netback.txGrantCopy": true,
    });
    expect(e.message).toMatch(/^netback\.netloop: true is not allowed; expected false when netback\.mode is "napi"/);
  });
});

describe("tcp-to-dom0 configuration", () => {
  it("a bad kind lists tcp-to-dom0 among the allowed, and its fields are checked", () => {
    const p = (x: unknown) => configErrorOf("paper-baseline", { "traffic.profiles": [x] });
    expect(p({ guests: [0], kind: "tcp-to-dom1" }).message).toMatch(
      /traffic\.profiles\[0\]\.kind: "tcp-to-dom1" is not allowed; expected one of .*"tcp-to-dom0"/,
    );
    expect(p({ guests: [0], kind: "tcp-to-dom0", streams: 0 }).message).toMatch(
      /traffic\.profiles\[0\]\.streams: 0 is not allowed; expected an integer from 1 to 1024/,
    );
    expect(p({ guests: [0], kind: "tcp-to-dom0", peer: 1 }).message).toMatch(
      /traffic\.profiles\[0\]\.peer: 1 is not allowed; expected no value/,
    );
  });

  it("a guest with an SR-IOV VF or multi-queue netback cannot send to dom0, said in one line", () => {
    const vf = configErrorOf("io-sriov", { "traffic.profiles": [{ guests: [0], kind: "tcp-to-dom0" }] });
    expect(vf.message).toMatch(/^traffic\.profiles\[0\]: "tcp-to-dom0" is not allowed; expected guests without a VF/);
    const mq = configErrorOf("paper-baseline", {
      "netback.multiQueue": true,
      "nic.queueSelect": "vmdq",
      "nic.rxQueuesPerPort": 4,
      "traffic.profiles": [{ guests: [0], kind: "tcp-to-dom0" }],
    });
    expect(mq.message).toMatch(/^traffic\.profiles\[0\]: "tcp-to-dom0" is not allowed/);
  });
});
