// Scenario presets. A preset changes mechanisms and topology, never costs: every preset runs
// on the one cost model in params.ts: no per-preset adjustments.

export interface Preset {
  description: string;
  config: Record<string, unknown>;
}

const paperBase = {
  cpu: { pcpus: 8 },
  dom0: { vcpus: 4 },
  guests: { count: 4, vcpus: 1 },
  nic: { ports: 4, rateGbps: 1 },
  traffic: { rxStreamsPerGuest: 1, txStreamsPerGuest: 0 },
  tcp: { mtuBytes: 1500, timestamps: true },
};

const multiTasklet = { ...paperBase, netback: { groups: 0 } };
const dispatch = { ...multiTasklet, evtchn: { dispatch: "group-affine" } };
const lowEvent = { ...dispatch, netback: { groups: 0, coalesce: { count: 16, timeUs: 50 } } };
const lro = { ...lowEvent, netfront: { lro: { enabled: true } } };

export const PRESETS: Record<string, Preset> = {
  "paper-baseline": {
    description:
      "Zhang et al. baseline: 4 x 1 GbE, 4 one-VCPU guests, dom0 with 4 VCPUs, stock netback (one tasklet pair), " +
      "every event on dom0 VCPU0.",
    config: paperBase,
  },
  "paper-multi-tasklet": {
    description: "+ multi-tasklet netback: one group (tasklet pair) per dom0 VCPU; events still on VCPU0.",
    config: multiTasklet,
  },
  "paper-dispatch": {
    description:
      "+ event-channel dispatch: each vif's event channel and its port's PIRQ bound to its group's dom0 VCPU.",
    config: dispatch,
  },
  "paper-low-event": {
    description: "+ lower netback event frequency: RX notifications coalesced (16 responses or 50 us).",
    config: lowEvent,
  },
  "paper-lro": {
    description: "+ LRO in netfront: all four techniques.",
    config: lro,
  },
  "single-guest": {
    description: "One guest on one 1 GbE port, stock netback, dom0 otherwise idle.",
    config: { ...paperBase, cpu: { pcpus: 5 }, guests: { count: 1, vcpus: 1 }, nic: { ports: 1, rateGbps: 1 } },
  },
};

// Testbeds beyond the paper's: guests that differ.
const idleGuests = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

PRESETS["one-busy-eight-idle"] = {
  description:
    "One guest receiving bulk TCP on a 10 GbE port among 8 idle guests on the same port; multi-tasklet netback (4 " +
    "groups) with group-affine dispatch: the busy vif gets what its netback group's dom0 VCPU can do.",
  config: {
    ...dispatch,
    cpu: { pcpus: 13 },
    guests: { count: 9, vcpus: 1 },
    nic: { ports: 1, rateGbps: 10 },
    traffic: {
      rxStreamsPerGuest: 0,
      txStreamsPerGuest: 0,
      profiles: [
        { guests: [0], kind: "tcp-rx", streams: 1 },
        { guests: idleGuests(1, 9), kind: "idle" },
      ],
    },
  },
};

PRESETS["mixed-workload"] = {
  description:
    "Four guests on 4 x 1 GbE with multi-tasklet netback and group-affine dispatch, each doing something else: " +
    "bulk TCP in, bulk TCP out, 20k UDP packets/s of 512 B in, and request/response (netperf TCP_RR defaults: " +
    "1-byte messages, 4 sessions).",
  config: {
    ...dispatch,
    traffic: {
      rxStreamsPerGuest: 0,
      txStreamsPerGuest: 0,
      profiles: [
        { guests: [0], kind: "tcp-rx", streams: 1 },
        { guests: [1], kind: "tcp-tx", streams: 1 },
        { guests: [2], kind: "udp-rx", ratePps: 20000, process: "poisson", payloadBytes: 512 },
        { guests: [3], kind: "rr", streams: 4 },
      ],
    },
  },
};

// The same receive workload over the I/O paths a guest can have on one 10 GbE port: the split
// driver (netback/netfront through dom0), the split driver with Ram et al.'s optimisations
// (sources.md V9, W11) and direct assignment (an SR-IOV virtual function per guest, V14). Stock
// netback and stock event binding, so only the path differs.
const tenGbe = {
  ...paperBase,
  nic: { ports: 1, rateGbps: 10 },
  traffic: { rxStreamsPerGuest: 1, txStreamsPerGuest: 0 },
};

PRESETS["io-split"] = {
  description:
    "Four one-VCPU guests receiving bulk TCP on one 10 GbE port through the split driver: dom0 (4 VCPUs, stock " +
    "netback, every event on VCPU0) bridges and grant-copies every frame.",
  config: tenGbe,
};

PRESETS["io-split-ram"] = {
  description:
    "The io-split workload with Ram et al.'s driver-domain optimisations: one VMDq RX queue per guest whose " +
    "buffers netback posts to the NIC (no bridge, no grant copy for received frames) and grant reuse (no " +
    "per-packet grant map or unmap).",
  config: {
    ...tenGbe,
    nic: { ports: 1, rateGbps: 10, rxQueuesPerPort: 4, queueSelect: "vmdq" },
    netback: { multiQueue: true, grantReuse: true },
  },
};

PRESETS["io-sriov"] = {
  description:
    "The io-split workload over direct assignment: each guest owns an SR-IOV virtual function of the port (its own " +
    "VF driver, queues and interrupt, injected by Xen into the guest); dom0 is not on the data path.",
  config: { ...tenGbe, nic: { ports: 1, rateGbps: 10, sriov: { guests: 4 } } },
};

export const presetNames: readonly string[] = Object.keys(PRESETS);

PRESETS["dom0-shared-pcpus"] = {
  description:
    "The paper's baseline with dom0 sharing its PCPUs: four more guests, each running a CPU-bound busy loop, " +
    "pinned to dom0's PCPUs 0-3; Xen's credit scheduler shares each PCPU between a dom0 VCPU and a busy guest " +
    "(equal weights), so the saturated dom0 VCPU0 gets about half its PCPU.",
  config: {
    ...paperBase,
    guests: { count: 8, vcpus: 1, pcpus: [[4], [5], [6], [7], [0], [1], [2], [3]] },
    traffic: {
      rxStreamsPerGuest: 0,
      txStreamsPerGuest: 0,
      profiles: [
        { guests: [0, 1, 2, 3], kind: "tcp-rx", streams: 1 },
        { guests: [4, 5, 6, 7], kind: "cpu-hog" },
      ],
    },
  },
};
