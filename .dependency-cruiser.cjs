// Layers of assembly/ (the Wasm model) and who may call whom. Checked by `npm run layers` and by
// test/assembly/layers.test.ts in `npm test`; docs/architecture.md links here.
//
// Imports only point down, through these layers (each may import the ones above it in the list):
//
//   base/         eventq, fifo, memory (the allocation tally), rng, targets (the event-kind table): no model knowledge
//   data          config.ts, stats.ts, packet.ts, flows.ts (the host boundary, counters, skbs,
//                 which guest a flow belongs to), and src/abi/ (layout.ts, sched-records.ts)
//   cpu/          account.ts (charging cycles), vcpu.ts (run state, per-VCPU work lists)
//   kernel/       napi, tasklet, softirq, timers, threads: state machines that only schedule
//   xen/          ring, evtchn, grant, dispatch      and arm; kernel/ and xen/ never import
//                                                    each other
//   components    hw/{nic (+ itr, offload),vf,link}, dom0/{bridge,stack}, netback/{common,rx,tx,coalesce,kthread,napi},
//                 netfront, net/lro, guest/stack, traffic/{tcp/*,udp,rr,external (+ gro)}
//   model/        ops.ts (the only switches from a mechanism to its client), sched.ts (VCPU job
//                 selection), engine.ts (event kinds, init order, conservation); observe/
//                 (time-series sampling, instrumentation that reads every layer) sits here too
//   entries       index.ts (the module's exports), bench/ (benchmark drivers), test/ (mechanism
//                 test modules): may import anything
//
// Components may call each other only along the packet path, in the directions listed in
// NEIGHBOURS below (each with the call it stands for). Those are the only cycles left in the
// import graph: RX and TX go through the same components in opposite directions (wire <-> NIC
// <-> bridge <-> netback; netfront -> stack -> TCP -> netfront). Inside netback/ and
// traffic/tcp/ files import each other one way only (no cycle).
//
// Trace points are the one exception: any file may call observe/trace.ts (hooks at component
// boundaries), which reads every layer to describe what it records. The release build compiles
// every hook to nothing (TRACING is a compile-time false), so the exception exists only in the
// trace build; cycles through observe/trace.ts are therefore allowed.
//
// To add a call between components: add its edge to NEIGHBOURS with the reason, and say the
// direction in the headers of both files.

const L = "^assembly/";
const BASE = `${L}base/`;
const DATA = `${L}(config|stats|packet|flows)\\.ts$`;
const ABI = "^src/abi/";
const CPU = `${L}cpu/`;
const KERNEL = `${L}kernel/`;
const XEN = `${L}xen/`;
const COMPONENTS = `${L}(hw|dom0|netback|netfront|net|guest|traffic)/`;
const MODEL = `${L}(model|observe)/`;
const ENTRIES = `${L}(index\\.ts$|bench/|test/)`;
const TRACE = `${L}observe/trace\\.ts$`;

/** [from, to, the call it stands for] */
const NEIGHBOURS = [
  ["hw/link\\.ts", "hw/nic\\.ts", "a frame reaches its NIC port (nicRxArrive)"],
  ["hw/link\\.ts", "traffic/external\\.ts", "a frame reaches the external host"],
  ["hw/nic\\.ts", "hw/link\\.ts", "a TX descriptor goes on the wire (linkSend)"],
  ["hw/nic\\.ts", "dom0/bridge\\.ts", "the NIC poll hands RX frames to the bridge"],
  ["hw/nic\\.ts", "netback/common\\.ts", "a freed TX skb returns its pending slot (netif_idx_release)"],
  ["hw/nic\\.ts", "hw/vf\\.ts", "the NIC's layer-2 sorter hands a VF guest's frame to the VF's ring"],
  ["hw/offload\\.ts", "net/lro\\.ts", "the driver's poll passes TCP segments to LRO (nic.lro.enabled)"],
  ["hw/offload\\.ts", "hw/link\\.ts", "TSO puts each segment's frame on the wire (linkSend)"],
  ["hw/vf\\.ts", "hw/link\\.ts", "a VF's TX descriptor goes on the port's wire (linkSend)"],
  ["hw/vf\\.ts", "guest/stack\\.ts", "the VF driver's poll passes frames up the guest stack; the application is woken"],
  ["netfront/netfront\\.ts", "hw/vf\\.ts", "a VF guest's staged packets leave through its VF driver"],
  ["dom0/bridge\\.ts", "hw/nic\\.ts", "the backlog poll transmits on the physical port"],
  ["dom0/bridge\\.ts", "hw/link\\.ts", "which port a guest sits behind (guestPort)"],
  ["dom0/bridge\\.ts", "netback/rx\\.ts", "the bridge forwards to the vif (start_xmit)"],
  ["dom0/bridge\\.ts", "netback/common\\.ts", "a dropped guest packet releases its pending slot"],
  ["netback/tx\\.ts", "dom0/bridge\\.ts", "guest packets go to netif_rx (the backlog), or to the bridge in the NAPI poll"],
  ["dom0/bridge\\.ts", "dom0/stack\\.ts", "the bridge passes frames addressed to dom0 up its own stack"],
  ["dom0/stack\\.ts", "traffic/tcp/[a-z]+\\.ts", "dom0's stack delivers TCP segments to its receiving ends"],
  ["traffic/tcp/[a-z]+\\.ts", "dom0/stack\\.ts", "dom0's TCP ends send ACKs through dom0's stack and free skbs there"],
  ["dom0/stack\\.ts", "netback/rx\\.ts", "dom0's ACKs leave through the bridge device to the vif (start_xmit)"],
  ["dom0/stack\\.ts", "netback/common\\.ts", "a freed skb returns the guest page it held (netif_idx_release)"],
  ["netfront/netfront\\.ts", "net/lro\\.ts", "the poll passes TCP segments to LRO"],
  ["netfront/netfront\\.ts", "net/tsq\\.ts", "a freed TX skb runs its destructor (tcp_wfree)"],
  ["traffic/tcp/[a-z]+\\.ts", "net/tsq\\.ts", "tcp_transmit_skb charges sk_wmem_alloc; tcp_write_xmit tests the TSQ limit"],
  ["netfront/netfront\\.ts", "guest/stack\\.ts", "the poll passes skbs up; the application is woken"],
  ["guest/stack\\.ts", "traffic/tcp/[a-z]+\\.ts", "the stack delivers TCP segments and ACKs"],
  ["traffic/tcp/[a-z]+\\.ts", "hw/link\\.ts", "external TCP ends put segments on the wire"],
  ["traffic/tcp/[a-z]+\\.ts", "netfront/netfront\\.ts", "guest TCP ends send through netfront"],
  ["traffic/udp\\.ts", "hw/link\\.ts", "UDP sources put datagrams on the wire"],
  ["traffic/external\\.ts", "traffic/tcp/[a-z]+\\.ts", "the external host's TCP ends receive"],
  ["traffic/external\\.ts", "traffic/rr\\.ts", "a request/response client receives a response"],
  ["traffic/gro\\.ts", "traffic/tcp/[a-z]+\\.ts", "the external host's GRO hands its aggregates to TCP"],
  ["guest/stack\\.ts", "traffic/rr\\.ts", "the stack delivers requests; the server application answers"],
  ["traffic/rr\\.ts", "hw/link\\.ts", "clients put requests on the wire"],
  ["traffic/rr\\.ts", "netfront/netfront\\.ts", "the server sends its responses through netfront"],
];

/** One component's own files (a split component imports its parts one way). */
const SAME_COMPONENT = [`${L}netback/`, `${L}traffic/tcp/`];
/** [part of a component, what it uses of its own] */
const PARTS = [
  ["hw/nic\\.ts", "hw/itr\\.ts"],
  ["hw/nic\\.ts", "hw/offload\\.ts"],
  ["hw/vf\\.ts", "hw/itr\\.ts"],
  ["traffic/external\\.ts", "traffic/gro\\.ts"],
];

module.exports = {
  forbidden: [
    {
      name: "no-cycle-outside-packet-path",
      comment: "Only the documented packet-path neighbours may form cycles; lower layers never do.",
      severity: "error",
      from: { pathNot: COMPONENTS },
      to: { circular: true, viaNot: TRACE },
    },
    ...SAME_COMPONENT.map((dir) => ({
      name: "no-cycle-inside-component",
      comment: `The parts of ${dir} import each other one way only.`,
      severity: "error",
      from: { path: dir },
      to: { circular: true, viaOnly: { path: dir } },
    })),
  ],
  allowed: [
    { comment: "base/ knows nothing of the model", from: { path: BASE }, to: { path: [BASE] } },
    { comment: "data", from: { path: DATA }, to: { path: [BASE, DATA, ABI] } },
    { comment: "src/abi is constants only", from: { path: ABI }, to: { path: [ABI] } },
    { comment: "cpu/", from: { path: CPU }, to: { path: [BASE, DATA, ABI, CPU] } },
    { comment: "kernel/", from: { path: KERNEL }, to: { path: [BASE, DATA, ABI, CPU, KERNEL] } },
    { comment: "xen/", from: { path: XEN }, to: { path: [BASE, DATA, ABI, CPU, XEN] } },
    { comment: "components use the layers below", from: { path: COMPONENTS }, to: { path: [BASE, DATA, ABI, CPU, KERNEL, XEN] } },
    ...SAME_COMPONENT.map((dir) => ({ comment: "inside one component", from: { path: dir }, to: { path: [dir] } })),
    ...PARTS.map(([from, to]) => ({
      comment: "a component's own part",
      from: { path: `${L}${from}$` },
      to: { path: [`${L}${to}$`] },
    })),
    ...NEIGHBOURS.map(([from, to, why]) => ({
      comment: `packet-path neighbour: ${why}`,
      from: { path: `${L}${from}$` },
      to: { path: [`${L}${to}$`] },
    })),
    { comment: "trace points (compiled out of the release build)", from: { path: L }, to: { path: [TRACE] } },
    { comment: "model/ runs everything below it", from: { path: MODEL }, to: { pathNot: ENTRIES } },
    { comment: "entries may import anything", from: { path: ENTRIES }, to: {} },
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: ["^assembly/", ABI],
    tsPreCompilationDeps: true,
  },
};
