// Component mechanisms against the real modules, each built on its own (assembly/test/*.ts):
// the NIC's RSS/VMDq queue selection and e1000 ITR latency classes, netback's vif queue
// stop/wake and pending ring, netfront's rx_target adaptation.
import { beforeAll, describe, expect, it } from "vitest";
import { QUEUE_SELECT_RSS, QUEUE_SELECT_VMDQ } from "../../src/abi/enums.js";
import { COMPILE_TIMEOUT_MS, type Exports, testModule } from "./modules.js";

const KIND_DATA = 0;
const KIND_ACK = 1;
const KIND_UDP = 2;
const [LOWEST, LOW, BULK] = [0, 1, 2];

let nic: Exports;
let nb: Exports;
let nf: Exports;
beforeAll(async () => {
  [nic, nb, nf] = await Promise.all([testModule("nic"), testModule("netback"), testModule("netfront")]);
}, COMPILE_TIMEOUT_MS);

describe("NIC RX queue selection (hw/nic.ts)", () => {
  it("RSS: a flow always lands in the same queue of its port, and flows spread over every queue", () => {
    nic.setup(2, 4, QUEUE_SELECT_RSS, 8);
    const used = new Set<number>();
    for (let f = 0; f < 64; f++) {
      const q = nic.queueOf(1, KIND_DATA, f);
      expect(q).toBeGreaterThanOrEqual(4);
      expect(q).toBeLessThan(8);
      expect(nic.queueOf(1, KIND_DATA, f)).toBe(q);
      expect(nic.queueOf(1, KIND_ACK, f)).toBe(q); // same flow, same hash
      used.add(q);
    }
    expect(used.size).toBe(4);
  });

  it("VMDq: the queue is the destination guest's (guest g behind port g % ports)", () => {
    nic.setup(2, 2, QUEUE_SELECT_VMDQ, 8);
    for (let f = 0; f < 32; f++) {
      const g = f % 8;
      const port = g % 2;
      const want = port * 2 + (Math.floor(g / 2) % 2);
      expect(nic.queueOf(port, KIND_DATA, f)).toBe(want);
      expect(nic.queueOf(port, KIND_UDP, f)).toBe(want);
    }
  });
});

describe("e1000 interrupt throttling (hw/itr.ts)", () => {
  it("e1000_update_itr latency classes", () => {
    const cases: [number, number, number, number][] = [
      // state, packets, bytes -> class
      [LOW, 0, 0, LOW], // nothing seen: unchanged
      [LOW, 20, 30000, BULK], // > 10000 bytes, > 1200 bytes/packet
      [LOW, 40, 20000, LOWEST], // > 10000 bytes, many small packets
      [LOW, 20, 12000, LOW],
      [LOW, 3, 9000, BULK], // <= 10000 bytes, > 2000 bytes/packet
      [LOW, 2, 200, LOWEST],
      [LOWEST, 2, 20000, BULK], // > 8000 bytes/packet
      [LOWEST, 3, 1000, LOW],
      [LOWEST, 10, 1000, LOWEST],
      [BULK, 40, 30000, LOW], // > 25000 bytes in many packets
      [BULK, 20, 30000, BULK],
      [BULK, 5, 5000, LOW], // < 6000 bytes
      [BULK, 10, 10000, BULK],
    ];
    for (const [s, p, b, want] of cases) expect([s, p, b, nic.classify(s, p, b)]).toEqual([s, p, b, want]);
  });

  it("e1000_set_itr: bulk drops to 4000/s at once, low latency climbs back to 20000/s in +1/4 steps; lowest counts as low", () => {
    nic.itrSetup(2_000_000_000n);
    expect(nic.itrStep(20, 30000, 0, 0)).toBe(4000);
    expect(nic.itrStep(5, 5000, 0, 0)).toBe(9000);
    expect(nic.itrStep(5, 5000, 0, 0)).toBe(14000);
    expect(nic.itrStep(5, 5000, 0, 0)).toBe(19000);
    expect(nic.itrStep(5, 5000, 0, 0)).toBe(20000);
    expect(nic.itrStep(2, 200, 0, 0)).toBe(20000); // lowest latency: conservative mode keeps 20000
    expect(nic.itrStep(0, 0, 20, 30000)).toBe(4000); // bulk TX completions alone
  });
});

describe("netback vif queue stop and wake (netback/rx.ts)", () => {
  it("stops when fewer than MAX_SKB_FRAGS+2 requests remain, queues in the qdisc up to tx_queue_len, wakes when the frontend posts more", () => {
    nb.setup(32);
    nb.postRx(40);
    nb.xmit(30);
    // 21 frames took requests; 40 - 21 = 19 < 20 left: stopped, req_event asks for 20 more.
    expect(nb.stopped()).toBe(1);
    expect(nb.rxReqEvent()).toBe(41);
    expect(nb.qdiscLen()).toBe(9);
    nb.xmit(30);
    expect(nb.qdiscLen()).toBe(32);
    expect(Number(nb.qdiscDrops())).toBe(7);
    // net_rx_action answers the 21; the ring still lacks requests: stays stopped.
    expect(nb.rxAction()).toBe(21);
    expect(nb.stopped()).toBe(1);
    // The frontend posts 20 and notifies: netif_be_int wakes the queue, the qdisc drains until
    // the queue is full again (20 more frames).
    nb.postRx(20);
    nb.interrupt();
    expect(nb.qdiscLen()).toBe(12);
    expect(nb.stopped()).toBe(1);
    expect(Number(nb.queueStops())).toBe(2);
  });
});

describe("netback pending ring (netback/tx.ts)", () => {
  it("maps while NR_PENDING_REQS + MAX_SKB_FRAGS < MAX_PENDING_REQS; released slots are unmapped and reused", () => {
    nb.setup(32);
    nb.postTx(250);
    nb.interrupt();
    expect(nb.bottomHalvesListed()).toBe(1);
    expect(nb.txAction()).toBe(1);
    expect(nb.pending()).toBe(238);
    expect(nb.txUnconsumed()).toBe(12);
    expect(nb.txResponses()).toBe(0); // no slot freed yet
    // Another notification: pending >= MAX_PENDING_REQS/2, so the TX action is not scheduled.
    nb.interrupt();
    expect(nb.bottomHalvesListed()).toBe(0);
    // The NIC frees 10 skbs (netif_idx_release schedules the TX action): it unmaps them and
    // answers their requests; the slots return to the pending ring at the end of that run.
    nb.release(0, 10);
    expect(nb.txAction()).toBe(1);
    expect(nb.txResponses()).toBe(10);
    expect(nb.pending()).toBe(228);
    expect(nb.txUnconsumed()).toBe(12);
    // The next release runs it again: the free slots take 10 more requests.
    nb.release(10, 1);
    expect(nb.txAction()).toBe(1);
    expect(nb.txResponses()).toBe(11);
    expect(nb.pending()).toBe(237);
    expect(nb.txUnconsumed()).toBe(2);
  });
});

describe("netback PKT_PROT_LEN (netback/tx.ts)", () => {
  it("a request no longer than PKT_PROT_LEN is copied whole and answered by the next run, not when the NIC frees it", () => {
    // pvops 2.6.32: PKT_PROT_LEN 72 >= a 66-byte ACK; and one exactly PKT_PROT_LEN long (net_tx_action
    // keeps a fragment only when txreq.size > PKT_PROT_LEN).
    for (const protLen of [72, 66]) {
      nb.setupProtLen(32, protLen);
      nb.postTxAcks(10);
      nb.interrupt();
      expect(nb.txAction()).toBe(1);
      // Mapped, copied whole, released at once: the skbs hold no slot, the TX action is listed
      // again on this CPU, and its next run unmaps and answers all ten.
      expect(nb.holdingSlot(0, 10), `PKT_PROT_LEN ${protLen}`).toBe(0);
      expect(nb.pending()).toBe(10);
      expect(nb.txResponses()).toBe(0);
      expect(nb.bottomHalvesListed()).toBe(1);
      expect(nb.txAction()).toBe(1);
      expect(nb.txResponses()).toBe(10);
      expect(nb.pending()).toBe(0);
    }
  });
  it("a longer one keeps its page mapped as a fragment until the NIC frees the skb", () => {
    // 2.6.18-xen: PKT_PROT_LEN 64 < 66; data segments are longer than 72 either way.
    for (const [protLen, post] of [
      [64, nb.postTxAcks],
      [72, nb.postTx],
    ] as const) {
      nb.setupProtLen(32, protLen);
      post(10);
      nb.interrupt();
      expect(nb.txAction()).toBe(1);
      expect(nb.holdingSlot(0, 10)).toBe(10);
      expect(nb.bottomHalvesListed()).toBe(0);
      expect(nb.txResponses()).toBe(0);
      nb.release(0, 10);
      expect(nb.txAction()).toBe(1);
      expect(nb.txResponses()).toBe(10);
      expect(nb.pending()).toBe(0);
    }
  });
});

describe("netfront rx_target (netfront/netfront.ts)", () => {
  const adapt = (target: number, posted: number, produced: number, consumed: number): [number, number] => {
    const a: bigint = nf.adapt(target, 8, 256, posted, produced, consumed);
    return [Number(a >> 32n), Number(a & 0xffffffffn)];
  };
  it("decreases by one when more than 3/4 of it is outstanding (no refill worth doing)", () => {
    expect(adapt(64, 64, 10, 10)).toEqual([63, 0]);
    expect(adapt(8, 8, 0, 0)).toEqual([8, 0]); // not below rx_min_target
  });
  it("refills only a batch of at least target/2", () => {
    expect(adapt(64, 64, 30, 30)).toEqual([64, 0]);
    expect(adapt(64, 64, 40, 40)).toEqual([64, 40]);
  });
  it("doubles when the ring nearly ran dry, up to rx_max_target", () => {
    expect(adapt(64, 64, 60, 60)).toEqual([128, 60]);
    expect(adapt(200, 200, 200, 200)).toEqual([256, 200]);
  });
});
