// netback's NAPI mode (Linux 3.12-3.14: xenvif_tx_interrupt, xenvif_poll, xenvif_start_xmit's
// wake-up of the vif's thread) against the real netback/, kernel/napi.ts and cpu/vcpu.ts,
// built on their own (assembly/test/netback-napi.ts): where the guest-TX work is scheduled,
// the poll's quota, the TX event it leaves alone while polling and re-arms when it completes,
// the re-poll at the head of the list, and where the receiving vif's thread becomes runnable.
import { beforeAll, describe, expect, it } from "vitest";
import { COMPILE_TIMEOUT_MS, type Exports, testModule } from "./modules.js";

let m: Exports;
beforeAll(async () => {
  m = await testModule("netback-napi");
}, COMPILE_TIMEOUT_MS);

// NAPI ids: the two dom0 backlogs (bridge) come first, then one instance per vif.
const VIF0 = 2;
const VIF1 = 3;

describe("split event channels (xen/evtchn.ts)", () => {
  it("each vif has a TX and an RX channel, each end with its own handler", () => {
    m.setup();
    // PORT_NB_TX 5, PORT_NF_TX 6, PORT_NB_RX 7, PORT_NF_RX 8
    expect(m.portKinds()).toBe((5 << 24) | (6 << 16) | (7 << 8) | 8);
  });
});

describe("xenvif_tx_interrupt and xenvif_poll (netback/napi.ts)", () => {
  it("the TX interrupt schedules the vif's NAPI instance on the VCPU that took it, only if requests wait", () => {
    m.setup();
    m.txIrq(0, 1); // vif 1 posted nothing
    expect(m.pollListLen(0)).toBe(0);
    m.postTx(0, 10);
    m.txIrq(1, 0);
    expect(m.pollListLen(0)).toBe(0);
    expect(m.pollListLen(1)).toBe(1);
    expect(m.pollListAt(1, 0)).toBe(VIF0);
    // Scheduled already: a second interrupt does not list it twice.
    m.txIrq(1, 0);
    expect(m.pollListLen(1)).toBe(1);
  });

  it("a poll takes at most XENVIF_NAPI_WEIGHT skbs, leaves req_event alone and re-arms it when it completes", () => {
    m.setup();
    m.postTx(0, 100);
    m.setTxReqEvent(0, 1);
    m.txIrq(1, 0);
    expect(m.pollStart(1, 300)).toBe(64);
    expect(m.pollFinish()).toBe(0); // whole quota used: stays scheduled, at the list tail
    expect(m.pollListLen(1)).toBe(1);
    expect(m.txReqCons(0)).toBe(64);
    expect(m.txResponses(0)).toBe(64); // copied and answered in the poll
    expect(m.txReqEvent(0)).toBe(1); // RING_HAS_UNCONSUMED_REQUESTS: no event re-armed
    expect(m.pollStart(1, 300 - 64)).toBe(36);
    expect(m.pollFinish()).toBe(1); // less than the quota, nothing new: __napi_complete
    expect(m.pollListLen(1)).toBe(0);
    expect(m.scheduled(VIF0)).toBe(0);
    expect(m.txReqEvent(0)).toBe(101); // RING_FINAL_CHECK_FOR_REQUESTS: req_cons + 1
  });

  it("the quota is the whole weight even when less budget is left (3.x net_rx_action: n->poll(n, weight))", () => {
    m.setup();
    m.postTx(0, 100);
    m.txIrq(1, 0);
    expect(m.pollStart(1, 20)).toBe(64);
    expect(m.pollFinish()).toBe(0); // the whole weight used: stays scheduled, at the list tail
    expect(m.scheduled(VIF0)).toBe(1);
    expect(m.pollStart(1, 1)).toBe(36); // one packet of budget left: it still takes the other 36, and completes
    expect(m.pollFinish()).toBe(1);
  });

  it("a poll under its quota that finds new requests stays at the head of the list and is polled next", () => {
    m.setup();
    m.postTx(0, 10);
    m.txIrq(1, 0);
    m.postTx(1, 5);
    m.txIrq(1, 1);
    expect([m.pollListAt(1, 0), m.pollListAt(1, 1)]).toEqual([VIF0, VIF1]);
    expect(m.pollStart(1, 300)).toBe(10);
    m.postTx(0, 3); // the frontend pushes more while the poll runs
    expect(m.pollFinish()).toBe(0);
    expect(m.pollListLen(1)).toBe(2);
    expect([m.pollListAt(1, 0), m.pollListAt(1, 1)]).toEqual([VIF0, VIF1]);
    expect(m.pollStart(1, 290)).toBe(3);
    expect(m.pollFinish()).toBe(1);
    expect([m.pollListLen(1), m.pollListAt(1, 0)]).toEqual([1, VIF1]);
  });
});

describe("the vif's guest-RX thread (netback/common.ts, kthread.ts)", () => {
  it("is made runnable where xenvif_start_xmit woke it, not where a bound thread would be, and stays there", () => {
    m.setup();
    m.postTx(0, 4); // guest 0 -> guest 1: the poll's bridge hands the skbs to vif 1's start_xmit
    m.txIrq(1, 0);
    expect(m.threadQueued(1)).toBe(0);
    m.pollStart(1, 300);
    expect(m.pollFinish()).toBe(1);
    expect(m.rxWaiting(1)).toBe(1);
    expect(m.threadOn(1, 1)).toBe(1);
    expect(m.threadOn(0, 1)).toBe(0); // the placement table says VCPU 0: not used
    // A wake-up from VCPU 0 while it is runnable on VCPU 1 leaves it there.
    m.postTx(0, 2);
    m.txIrq(0, 0);
    m.pollStart(0, 300);
    m.pollFinish();
    expect(m.threadOn(1, 1)).toBe(1);
    expect(m.threadOn(0, 1)).toBe(0);
  });
});
