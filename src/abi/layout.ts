// The host/Wasm ABI: slot numbers of the packed configuration buffer and of the counters region.
//
// This one file is compiled by BOTH compilers: the TypeScript host imports it (src/) and the
// AssemblyScript module imports it (assembly/). It therefore holds nothing but integer constants
// written in the subset the two languages share (`export const NAME = <integer literal>;`).
// Adding a slot: append it before the matching *_COUNT, bump the count; both sides follow.
//
// Config buffer: Float64 values. Slots [0, CFG_COUNT) are scalars. Per-entity tables follow;
// their start offsets (in f64 slots) are written into the CFG_OFF_* scalar slots by the host.
// The host sizes the scalar region from the CFG_* constants below, not from CFG_COUNT, so a
// table never overlaps a slot; it fills the buffer with NaN and refuses to hand over a buffer
// with a slot nobody wrote. A new CFG_* slot is written either by the one parameter in
// src/config/params.ts that names it (`slot`, `encoding`) or by the derived slots in pack.ts.
// All times and costs in the buffer are already converted to CPU cycles by the host (units
// are resolved in one place: src/config/pack.ts).

// ---- scalar config slots ----
export const CFG_SEED = 0;
export const CFG_CPU_HZ = 1;
export const CFG_DOM0_VCPUS = 2;
export const CFG_GUESTS = 3;
export const CFG_GUEST_VCPUS = 4;
export const CFG_PORTS = 5;
export const CFG_LINK_BPS = 6; // link rate, bit/s
export const CFG_RXQ_PER_PORT = 7;
export const CFG_QUEUE_SELECT = 8; // 0 = RSS (flow hash), 1 = VMDq (destination guest)
export const CFG_NIC_RX_RING = 9; // descriptors
export const CFG_NIC_TX_RING = 10; // descriptors
export const CFG_ITR_MODE = 11; // 0 = off, 1 = fixed, 2 = dynamic conservative (e1000 itr=3)
export const CFG_ITR_FIXED_INTERVAL = 12; // cycles between interrupts in fixed mode
export const CFG_PROP_DELAY = 13; // wire propagation delay, cycles
export const CFG_NETBACK_GROUPS = 14;
export const CFG_NETBACK_QUEUE_LEN = 15; // vif tx_queue_len (qdisc in front of netback), packets
export const CFG_NETBACK_CAN_QUEUE = 16; // 1: stop vif queue when ring full (feature-rx-notify); 0: drop
export const CFG_NETBACK_SG = 17; // 1: scatter-gather negotiated (a stop needs MAX_SKB_FRAGS+2 free requests, else 1)
export const CFG_NAPI_WEIGHT = 18; // dom0 NIC and backlog NAPI weight
export const CFG_NETDEV_BUDGET = 19; // net_rx_action budget
export const CFG_MAX_SOFTIRQ_RESTART = 20;
export const CFG_DOM0_BACKLOG_MAX = 21; // netdev_max_backlog
export const CFG_NIC_QDISC_LEN = 22; // physical NIC txqueuelen
export const CFG_NF_WEIGHT = 23; // netfront NAPI weight
export const CFG_NF_RX_TARGET_MIN = 24;
export const CFG_NF_RX_TARGET_DEFAULT = 25;
export const CFG_NF_RX_TARGET_MAX = 26;
export const CFG_GUEST_QDISC_LEN = 27;
export const CFG_MTU = 28; // bytes
export const CFG_MSS = 29; // TCP payload bytes per full segment
export const CFG_TCP_HDR = 30; // TCP header bytes (20, or 32 with timestamps)
export const CFG_TCP_INIT_CWND = 31; // segments
export const CFG_TCP_RCVBUF = 32; // guest socket receive buffer, bytes
export const CFG_TCP_RTO_MIN = 33; // cycles
export const CFG_TCP_DELACK = 34; // delayed-ACK timeout, cycles
export const CFG_TCP_DUPTHRESH = 35;
export const CFG_TCP_WINDOW_SEGS = 36; // power of two >= max window in segments (sizes per-flow arrays)
export const CFG_RX_STREAMS_PER_GUEST = 37; // most TCP streams any guest receives (per guest: CFG_OFF_GUEST_STREAMS)
export const CFG_TX_STREAMS_PER_GUEST = 38; // most TCP streams any guest sends
export const CFG_UDP_SOURCES = 39;
export const CFG_APP_RECV_BYTES = 40; // bytes per recv() call of the guest application
export const CFG_UDP_RCVBUF = 41; // guest UDP socket buffer, bytes
export const CFG_POOL_PACKETS = 42; // packet pool size (host-computed bound)
export const CFG_EVENTQ_CAP = 43;
export const CFG_LRO_ENABLED = 44;
export const CFG_LRO_MAX_AGGR = 45;
export const CFG_LRO_DESCRIPTORS = 46;
export const CFG_NETBACK_MODE = 47; // 0 = tasklet, 1 = kthread, 2 = napi (enums.ts)
export const CFG_COALESCE_COUNT = 48; // netback->netfront notify after this many responses (1 = off)
export const CFG_COALESCE_TIME = 49; // ... or after this many cycles (0 = no timer)
// 0 vcpu0, 1 round-robin, 2 group-affine, 3 dynamic (the static ones are resolved by the host).
export const CFG_DISPATCH = 50;
export const CFG_REBALANCE_PERIOD = 51; // cycles
export const CFG_WARMUP = 52; // cycles (latency recording starts here)
// Frames a link can hold queued or in flight (host-computed bound, a power of two).
export const CFG_LINK_FLIGHT = 53;
// Offsets of per-entity tables (in f64 slots from the start of the buffer).
export const CFG_OFF_PIRQ_VCPU = 54; // [ports*rxqPerPort] dom0 VCPU each NIC queue's PIRQ is bound to
export const CFG_OFF_VIF_VCPU = 55; // [guests] dom0 VCPU each vif's backend event port is bound to
export const CFG_OFF_VIF_GROUP = 56; // [guests] netback group of each vif
export const CFG_OFF_GROUP_VCPU = 57; // [groups] dom0 VCPU each group's kthread is bound to
export const CFG_OFF_UDP = 58; // [udpSources * UDP_REC] UDP source records
export const CFG_OFF_COST = 59; // [COST_COUNT] cost constants, cycles (or cycles per byte * 1)
export const CFG_TCP_SACK = 60; // 1: selective acknowledgements (RFC 2018) with SACK-based recovery
export const CFG_START_JITTER = 61; // TCP flows start at a seeded uniform time in [0, this) cycles
// Links, loss and external clients (all off by default: 0 loss, no clients).
export const CFG_LOSS_RX = 62; // probability a frame travelling toward a NIC port is lost on its wire
export const CFG_LOSS_TX = 63; // probability a frame leaving a NIC port is lost on its wire
export const CFG_CLIENTS_PER_PORT = 64; // external clients behind each port's switch (0: one external host on the wire)
export const CFG_ACCESS_BPS = 65; // each client's access link rate, bit/s
export const CFG_ACCESS_DELAY = 66; // each access link's propagation delay, cycles
export const CFG_SWITCH_BUF = 67; // bytes each switch egress port can queue (drop-tail)
export const CFG_OFF_PORT_DELAY = 68; // [ports] propagation delay of each port's wire, cycles
// [guests*3] TCP streams of each guest: received from external hosts, sent to them, received from other guests.
export const CFG_OFF_GUEST_STREAMS = 69;
export const CFG_OFF_G2G_SENDER = 70; // [guest-to-guest flows] sending guest of each, in receiving-guest order
export const CFG_RR_SESSIONS = 71; // request/response sessions (external client -> guest server)
export const CFG_OFF_RR = 72; // [sessions * RR_REC] session records
export const CFG_TCP_LOW_LATENCY = 73; // 1: net.ipv4.tcp_low_latency, TCP data processed in softirq (no prequeue)
// Shared PCPUs and the Xen credit scheduler (assembly/xen/credit.ts).
export const CFG_PCPUS = 74; // physical CPUs
export const CFG_SCHED_CREDIT = 75; // 1: the credit scheduler runs; 0: every VCPU alone on its own PCPU (bypass)
export const CFG_SCHED_TICK = 76; // credit scheduler tick, cycles (10 ms)
export const CFG_SCHED_TSLICE = 77; // credit scheduler time slice, cycles (30 ms)
export const CFG_SCHED_CREDIT_CYCLES = 78; // cycles one credit stands for (0.1 ms)
export const CFG_AFFINITY_WORDS = 79; // 32-bit words of one VCPU's affinity mask (ceil(pcpus / 32))
export const CFG_OFF_VCPU_SCHED = 80; // [vcpus * VSC_REC] per-VCPU scheduling records
export const CFG_OFF_VCPU_AFFINITY = 81; // [vcpus * CFG_AFFINITY_WORDS] affinity masks, 32 PCPUs a word
export const CFG_OFF_DOM_SCHED = 82; // [(1 + guests) * DSC_REC] per-domain credit parameters, dom0 first
export const CFG_NF_TX_STOP_RESERVE = 83; // netfront TX queue stops below this many free slots
export const CFG_SRIOV_GUESTS = 84; // guests 0 .. n-1 each own an SR-IOV virtual function (0: none)
export const CFG_SKB_CACHE_LINES = 85; // cache lines of an skb handed from one CPU to another
export const CFG_NB_STATE_CACHE_LINES = 86; // cache lines of a netback group's state a run on another CPU takes over
export const CFG_NB_MULTI_QUEUE = 87; // 1: netback posts guest RX buffers to their VMDq queue (no bridge, no copy)
export const CFG_NB_GRANT_REUSE = 88; // 1: guest pages stay mapped in dom0 and are reused (no per-packet map/unmap)
// GSO/TSO across the vif (netfront/netback feature-gso-tcpv4) and netback's TX copy mode.
// 1: guests send TCP skbs of up to CFG_GSO_MAX_SEGS segments across the vif; the NIC segments them (TSO)
export const CFG_GSO_TX = 89;
export const CFG_GSO_MAX_SEGS = 90; // segments of one GSO skb: (GSO_MAX_SIZE - 1 - IP and TCP headers) / MSS
// 1: net_tx_action grant-copies the guest's slots (upstream Linux 3.x) instead of mapping them
export const CFG_NB_TX_COPY = 91;
// 1: the frontend takes GSO skbs on receive (its feature-gso-tcpv4): netback passes an aggregate whole
export const CFG_GSO_RX = 92;
export const CFG_NIC_LRO = 93; // 1: the dom0 NIC driver aggregates received TCP segments (inet_lro) before the bridge
// The external hosts' receive path: 1 = their NAPI polls merge TCP segments (GRO) before TCP
export const CFG_EXT_GRO = 94;
export const CFG_EXT_GRO_MAX_SEGS = 95; // segments one GRO skb holds at most (MAX_SKB_FRAGS with page-fragment RX)
export const CFG_EXT_RX_IRQ_INTERVAL = 96; // cycles between two receive interrupts of an external host's NIC
// How the credit scheduler debits the running VCPU (CREDIT_DEBIT_* in enums.ts): from time stamps
// (Xen 4.0 on) or a whole tick's credits to the VCPU found running at each tick (Xen 3.0-3.4).
export const CFG_SCHED_CREDIT_DEBIT = 97;
export const CFG_NB_MAX_SKB_FRAGS = 98; // dom0 kernel's MAX_SKB_FRAGS: netback's guest-RX reserve and batch limit
// 1: Xen takes one spinlock per domain for its grant table and one for its event channels (Xen 4.5 and
// earlier); 0: the finer locks of Xen 4.6 and later, whose contention is not modelled
export const CFG_XEN_DOMAIN_LOCKS = 99;
// netback's PKT_PROT_LEN, bytes: a guest TX request no longer than this is copied whole into the skb and
// its page released at once (net_tx_action), not when the skb is freed
export const CFG_NB_PKT_PROT_LEN = 100;
// 1: Xen's do_grant_table_op holds the calling domain's domain_lock for the whole hypercall (Xen 4.1 and earlier)
export const CFG_XEN_GNTTAB_DOMAIN_LOCK = 101;
export const CFG_OFF_DOM0_STREAMS = 102; // [guests*2] streams each guest sends dom0 (its last), its reader's VCPU
export const CFG_TCP_WMEM_DEFAULT = 103; // net.ipv4.tcp_wmem[1]: a guest socket's initial sk_sndbuf, bytes
export const CFG_TCP_WMEM_MAX = 104; // tcp_wmem[2]: the most send-buffer autotuning gives a socket, bytes
export const CFG_TCP_SKB_OVERHEAD = 105; // send-buffer bytes of one MSS skb besides its payload
export const CFG_WRITER_PLACEMENT = 106; // the guest VCPU of each TCP writer thread (WRITER_PLACEMENT_*)
export const CFG_NETLOOP = 107; // 1: dom0 on netloop's veth0 (2.6.18-xen): frames to it copied, netif_rx again
export const CFG_TCP_SMALL_QUEUE = 108; // guests' tcp_limit_output_bytes (TCP small queues), bytes; 0: off
export const CFG_COUNT = 109;

// Request/response session record fields.
export const RR_GUEST = 0;
export const RR_REQ_BYTES = 1;
export const RR_RSP_BYTES = 2;
export const RR_THINK = 3; // cycles between a response and the next request
export const RR_REC = 4;

// UDP source record fields.
export const UDP_GUEST = 0;
export const UDP_MEAN_GAP = 1; // mean inter-packet gap, cycles (f64, may be fractional)
export const UDP_PROCESS = 2; // UDP_PROCESS_* code (src/abi/enums.ts)
export const UDP_PAYLOAD = 3; // bytes
export const UDP_REC = 4;

// Cost constants (cycles; *_PER_BYTE in cycles per byte, fractional allowed).
export const COST_XEN_UPCALL = 0; // event upcall into a running VCPU (Xen + evtchn_do_upcall)
export const COST_VCPU_WAKE = 1; // waking a blocked (idle) VCPU: Xen schedule + context switch
export const COST_EVTCHN_SEND = 2; // EVTCHNOP_send hypercall (notify_remote_via_irq)
export const COST_HYPERCALL = 3; // fixed cost of one (multi)call entry/exit
export const COST_GRANT_COPY_OP = 4; // per GNTTABOP_copy op (validation, page lookups)
export const COST_GRANT_COPY_PER_BYTE = 5; // memcpy across domains, per byte
export const COST_GRANT_MAP_OP = 6;
export const COST_GRANT_UNMAP_OP = 7;
export const COST_NIC_IRQ = 8; // NIC hardirq handler
export const COST_NIC_RX_PKT = 9; // driver RX clean + skb alloc, per frame
export const COST_NIC_TX_PKT = 10; // driver xmit, per frame
export const COST_NIC_TX_CLEAN_PKT = 11; // driver TX completion clean, per frame
export const COST_NAPI_POLL = 12; // one NAPI poll call (entry, list handling)
export const COST_BRIDGE_PKT = 13; // bridge forwarding, per packet
export const COST_NB_START_XMIT = 14; // netif_be_start_xmit + qdisc, per packet
export const COST_NB_RX_PKT = 15; // net_rx_action per packet (gop build, response, kfree)
export const COST_NB_TX_PKT = 16; // net_tx_action per request (skb build, 64-B header copy, netif_rx)
export const COST_NB_TX_RESPONSE = 17; // make_tx_response + dealloc bookkeeping, per request
export const COST_TASKLET_RUN = 18; // tasklet/kthread action entry overhead
export const COST_NB_INT = 19; // netif_be_int handler
export const COST_NF_IRQ = 20; // netfront interrupt handler
export const COST_NF_RX_PKT = 21; // netfront per received response (grant end, 256-B copy, skb)
export const COST_NF_REFILL_BUF = 22; // per RX buffer posted (alloc, grant)
export const COST_NF_TX_PKT = 23; // netfront start_xmit per packet (grant, ring slot)
export const COST_NF_TX_GC_PKT = 24; // per TX response reclaimed
export const COST_STACK_RX_PKT = 25; // guest IP+TCP receive, per skb handed to the stack
export const COST_STACK_RX_PER_BYTE = 26; // per payload byte in the stack (checksum/prequeue)
export const COST_STACK_TX_PKT = 27; // guest TCP/IP transmit of one segment or ACK
export const COST_STACK_TX_PER_BYTE = 28; // per payload byte of guest-sent data (copy from user)
export const COST_APP_RECV_CALL = 29; // one recv() system call
export const COST_APP_COPY_PER_BYTE = 30; // copy_to_user per byte
export const COST_LRO_SEG = 31; // LRO per segment examined/merged
export const COST_SOFTIRQ_ENTRY = 32; // __do_softirq round entry
export const COST_TIMER = 33; // one timer expiry handled in softirq context
export const COST_KTHREAD_WAKE = 34; // waking a kernel thread (IPI-free part, runqueue)
export const COST_REBIND = 35; // rebinding one event channel (EVTCHNOP_bind_vcpu + irq affinity)
export const COST_STACK_RX_DEMUX = 36; // guest ip_rcv .. tcp_v4_rcv socket lookup, per skb the softirq prequeues
export const COST_CTX_SWITCH = 37; // a PCPU switching from one VCPU to another (schedule + context switch)
export const COST_VF_IRQ_INJECT = 38; // Xen delivering a VF's interrupt to its guest VCPU (exit, injection, EOI)
export const COST_CACHE_LINE_XFER = 39; // one cache line found Modified in another core's cache
export const COST_COUNT = 40;

// ---- event kinds: the top byte of an event target (the EV_* of assembly/base/targets.ts) ----
export const EVK_VCPU_DONE = 1; // the job running on a VCPU finished
export const EVK_VCPU_WAKE = 2; // a blocked VCPU is scheduled in
export const EVK_LINK = 3; // the head frame of a link reaches the far end
export const EVK_NIC_IRQ = 4; // a NIC RX queue may raise its interrupt (ITR spacing)
export const EVK_NIC_TXDONE = 5; // a port's oldest TX descriptor completed
export const EVK_TIMER = 6; // a timer slot may have expired
export const EVK_UDP = 7; // a UDP source emits its next packet
export const EVK_REBALANCE = 8; // periodic event-channel rebalancing
export const EVK_RR = 9; // a request/response client sends, or its retransmission timer expires
export const EVK_SCHED_TICK = 10; // the credit scheduler's tick
export const EVK_SCHED_SLICE = 11; // a PCPU's time slice may have ended
export const EVK_VCPU_DONE_CREDIT = 12; // as EVK_VCPU_DONE, VCPUs sharing PCPUs
export const EVK_VCPU_WAKE_CREDIT = 13; // as EVK_VCPU_WAKE, VCPUs sharing PCPUs
export const EVK_SLOTS = 16; // kinds the per-kind event counters have room for (codes 0..15)

// ---- counters region (u64) ----
// Global counters first, then per-guest blocks, then per-VCPU component cycles, then the latency
// histogram. The host reads them through a BigUint64Array view.
export const ST_EVENTS = 0; // engine events executed
export const ST_PKTS_ALLOCATED = 1; // packets created (data, ACK, UDP)
export const ST_INJECTED = 2; // packets (segments) put on a wire by a source
export const ST_DELIVERED = 3; // segments that reached their final consumer
export const ST_DROP_NIC_RX_RING = 4;
export const ST_DROP_VIF_QDISC = 5;
export const ST_DROP_NETBACK_NO_SLOT = 6;
export const ST_DROP_DOM0_BACKLOG = 7;
export const ST_DROP_NIC_QDISC = 8;
export const ST_DROP_GUEST_QDISC = 9;
export const ST_DROP_GUEST_SOCKET = 10;
export const ST_NIC_IRQS = 11;
export const ST_NIC_RX_FRAMES = 12;
export const ST_NIC_TX_FRAMES = 13;
export const ST_UPCALLS = 14;
export const ST_VCPU_WAKEUPS = 15;
export const ST_EVTCHN_SENT = 16; // every EVTCHNOP_send
export const ST_EVTCHN_MERGED = 17; // sends that found the port already pending
export const ST_NOTIFY_NB_RX = 18; // netback -> netfront RX notifications sent
export const ST_NOTIFY_NB_RX_SUPPRESSED = 19;
export const ST_NOTIFY_NB_TX = 20; // netback -> netfront TX completion notifications
export const ST_NOTIFY_NB_TX_SUPPRESSED = 21;
export const ST_NOTIFY_NF_TX = 22; // netfront -> netback TX request notifications
export const ST_NOTIFY_NF_TX_SUPPRESSED = 23;
export const ST_NOTIFY_NF_RX = 24; // netfront -> netback RX refill notifications
export const ST_NOTIFY_NF_RX_SUPPRESSED = 25;
export const ST_HYPERCALLS = 26;
export const ST_GRANT_COPY_OPS = 27;
export const ST_GRANT_MAP_OPS = 28;
export const ST_GRANT_UNMAP_OPS = 29;
export const ST_TASKLET_SCHEDULES = 30; // tasklet_schedule calls that queued the tasklet
export const ST_NB_RX_RUNS = 31;
export const ST_NB_TX_RUNS = 32;
export const ST_NB_RX_PKTS = 33;
export const ST_NB_TX_PKTS = 34;
export const ST_NAPI_POLLS_DOM0 = 35;
export const ST_NAPI_POLLS_GUEST = 36;
export const ST_NAPI_BUDGET_EXHAUSTED = 37; // polls that used their whole weight (re-poll)
export const ST_SOFTIRQ_DEFERRED = 38; // rounds handed to ksoftirqd after MAX_SOFTIRQ_RESTART
export const ST_VIF_QUEUE_STOPS = 39;
export const ST_TCP_SEGS_SENT = 40;
export const ST_TCP_RETRANS = 41;
export const ST_TCP_FAST_RECOVERIES = 42;
export const ST_TCP_RTOS = 43;
export const ST_TCP_DUP_SEGS = 44; // segments the receiver already had
export const ST_TCP_OOO_SEGS = 45;
export const ST_ACKS_SENT = 46;
export const ST_LAT_COUNT = 47;
export const ST_LAT_SUM = 48; // cycles
export const ST_LAT_MAX = 49; // cycles
export const ST_LRO_AGGREGATES = 50; // skbs handed to the stack after LRO
export const ST_LRO_SEGMENTS = 51; // TCP segments that went through LRO
export const ST_LRO_FLUSH_END_OF_POLL = 52;
export const ST_LRO_FLUSH_MAX_AGGR = 53;
export const ST_LRO_FLUSH_64K = 54;
export const ST_LRO_FLUSH_OUT_OF_ORDER = 55;
export const ST_LRO_FLUSH_NO_DESCRIPTOR = 56;
export const ST_STAGE_WAIT_SUM = 57; // dom0 NIC poll: cycles from NIC arrival to start of driver service
export const ST_STAGE_WAIT_COUNT = 58;
// Event-sequence fingerprint over the whole run (not a count: never taken as a delta). A hash of
// (cycle, target) of every event executed, in order; see assembly/model/engine.ts and docs/fingerprints.md.
export const ST_FINGERPRINT = 59;
export const ST_GUEST_STACK_RX_BYTES = 60; // payload bytes handed to guest stacks
export const ST_KTHREAD_WAKEUPS = 61;
export const ST_REBINDS = 62;
export const ST_COALESCE_TIMER_FIRES = 63;
export const ST_FINAL_CHECK_REPOLLS = 64; // ring final checks that found new work
export const ST_UDP_SENT = 65;
export const ST_DROP_LINK_QUEUE = 66; // frames a sender could not queue on its full link (sender qdisc)
export const ST_TASKLET_BUSY_ELSEWHERE = 67; // tasklet_action found the tasklet running on another CPU
export const ST_DROP_WIRE_LOSS = 68; // frames lost on a lossy wire (Bernoulli per frame)
export const ST_DROP_SWITCH_BUFFER = 69; // frames dropped at a full switch egress buffer
export const ST_TCP_RWND_SUM = 70; // receive windows (segments) carried by the ACKs senders took, summed
export const ST_TCP_RWND_ACKS = 71; // ACKs senders took (the count behind ST_TCP_RWND_SUM)
export const ST_TCP_RTT_SUM = 72; // RTT samples taken by TCP senders, cycles, summed
export const ST_TCP_RTT_SAMPLES = 73;
export const ST_RR_TRANSACTIONS = 74; // request/response transactions completed (requests sent after warm-up)
export const ST_RR_LAT_SUM = 75; // their transaction times, cycles
export const ST_RR_RETRANS = 76; // requests sent again after a retransmission timeout
export const ST_CTX_SWITCHES = 77; // a PCPU switched from one VCPU to another (credit scheduler)
export const ST_SCHED_PREEMPTIONS = 78; // a running VCPU was descheduled with its work unfinished
export const ST_SCHED_STEALS = 79; // a PCPU took a runnable VCPU from another PCPU's run queue
export const ST_SCHED_PARKS = 80; // a capped VCPU was parked (paused until it earns credit again)
export const ST_SCHED_BOOST_PREEMPTIONS = 81; // a VCPU woken while UNDER (boosted) preempted a running VCPU
export const ST_SCHED_BOOST_PREEMPT_OVER = 82; // ... one that had used up its credit (OVER)
export const ST_NB_STATE_MIGRATIONS = 83; // netback bottom-half runs on another CPU than the group's previous run
export const ST_NB_SKB_HANDOFFS = 84; // skbs net_rx_action dequeued on another CPU than start_xmit queued them on
// Engine events by kind: EVK_SLOTS words, word k counting events of kind k (the EVK_* codes below); sum ST_EVENTS.
export const ST_EVENTS_BY_KIND = 85;
export const ST_GSO_SKBS_SENT = 101; // GSO skbs (more than one segment) guests handed netfront
export const ST_NB_TX_SLOTS = 102; // TX request slots net_tx_action consumed (head, GSO extra and page fragments)
export const ST_NIC_TSO_SKBS = 103; // skbs of several segments the NIC cut into wire frames (TSO)
export const ST_NIC_LRO_SKBS = 104; // skbs the dom0 NIC driver's LRO handed the bridge (aggregates and lone frames)
export const ST_NB_RX_SLOTS = 105; // RX request slots net_rx_action filled (data pages and GSO extra slots)
export const ST_EXT_RX_POLLS = 106; // NAPI polls of the external hosts' NICs (GRO on)
export const ST_EXT_GRO_SKBS = 107; // skbs the external hosts' GRO handed TCP (aggregates and lone segments)
export const ST_XEN_LOCK_TAKES = 108; // critical sections entered on Xen's per-domain grant-table and event locks
export const ST_XEN_LOCK_SPINS = 109; // ... that found the lock held and spun for it
export const ST_XEN_LOCK_SPIN_CYCLES = 110; // cycles VCPUs spun on those locks
export const ST_XEN_LOCK_LINES = 111; // cache lines those sections took over from another CPU (lock hand-offs)
export const ST_TCP_WRITER_SLEEPS = 112; // a guest writer found its send buffer full and slept (sk_stream_wait_memory)
export const ST_TCP_WRITER_WAKEUPS = 113; // ... and ACK processing woke it (sk_stream_write_space)
export const ST_DOM0_STACK_SKBS = 114; // guest skbs dom0's own IP/TCP stack received (tcp-to-dom0)
export const ST_NETLOOP_COPIES = 115; // ... of them netloop copied off the guest's pages first
export const ST_COUNT = 116; // ST_EVENTS_BY_KIND + EVK_SLOTS, then the fifteen above

// Per-guest counters (block of GS_COUNT per guest, after the global counters).
export const GS_RX_APP_BYTES = 0; // TCP payload bytes delivered in order to the application
export const GS_TX_ACKED_BYTES = 1; // guest-sent TCP payload acknowledged by the external receiver
export const GS_UDP_APP_BYTES = 2;
export const GS_RX_PKTS = 3; // RX responses consumed by netfront
export const GS_EVENTS_IN = 4; // upcalls taken by the guest
// Parts of GS_RX_APP_BYTES, GS_UDP_APP_BYTES that entered the network in the warm-up (not goodput).
export const GS_RX_APP_EARLY_BYTES = 5;
export const GS_UDP_APP_EARLY_BYTES = 6;
// The part of GS_TX_ACKED_BYTES first sent before the warm-up ended.
export const GS_TX_ACKED_EARLY_BYTES = 7;
export const GS_COUNT = 8;

// Per-VCPU busy cycles, one counter per component (block of COMP_COUNT per VCPU).
export const COMP_XEN = 0; // upcalls, wake-ups, hypercall entry, event sends
export const COMP_GRANT = 1; // grant copy / map / unmap work done by Xen for this VCPU
export const COMP_NIC = 2; // physical NIC driver
export const COMP_BRIDGE = 3;
export const COMP_NETBACK = 4;
export const COMP_NETFRONT = 5;
export const COMP_STACK = 6; // guest TCP/IP
export const COMP_LRO = 7;
export const COMP_APP = 8; // guest application (recv/copy)
export const COMP_SOFTIRQ = 9; // softirq/NAPI/tasklet/timer framework overhead
export const COMP_COUNT = 10;

// Latency histograms, log-linear over cycles (LAT_SUB per power of two): packets', then request/response times.
export const LAT_SUB_BITS = 4;
export const LAT_BUCKETS = 1024;

// Memory contributors: what init allocates, per part (base/memory.ts tallies; the host names the largest).
export const MEM_PACKETS = 0; // packet records (the pool)
export const MEM_TCP = 1; // per-flow TCP state: send and SACK scoreboards, out-of-order buffers, sockets
export const MEM_LINKS = 2; // frames queued or in flight on each link
export const MEM_EVENTQ = 3; // the event queue
export const MEM_NIC = 4; // NIC RX rings, TX rings and qdiscs, interrupt state
export const MEM_VCPU = 5; // per-VCPU work lists, softirq and accounting state
export const MEM_XEN = 6; // shared I/O rings and event channels
export const MEM_NETBACK = 7; // netback queues, pending rings, vif qdiscs
export const MEM_GUEST = 8; // netfront queues, LRO, guest UDP sockets and application batches
export const MEM_OTHER = 9; // counters, FIFO table, timers, tasklets, NAPI, flows, traffic sources
export const MEM_COUNT = 10;

// Per-VCPU scheduling counters (block of VS_COUNT per VCPU, after the latency histograms): time
// runnable but not running, and the histogram of each wait from runnable to running.
export const VS_STEAL = 0; // cycles the VCPU had work but no PCPU (on a run queue, or parked by its cap)
export const VS_WAITS = 1; // waits that ended (the VCPU got its PCPU), a zero wait included
export const VS_WAIT_SUM = 2; // their lengths, cycles
export const VS_WAIT_MAX = 3; // longest wait that ended after the warm-up, cycles
export const VS_SWITCHES_IN = 4; // times a PCPU switched to this VCPU from another VCPU
export const VS_HIST = 5; // first of VS_WAIT_BUCKETS log-linear buckets (as the latency histograms)
export const VS_WAIT_BUCKETS = 512; // covers waits up to 2^35 cycles; longer ones go to the last bucket
export const VS_COUNT = 517;

// Stop reasons returned by run().
export const STOP_LIMIT_CYCLE = 1; // reached the requested cycle
export const STOP_LIMIT_EVENTS = 2; // executed the requested number of events
export const STOP_IDLE = 3; // no pending events
export const STOP_SAMPLES_FULL = 4; // the time-series buffer is full: drain it and call run() again
export const STOP_TRACE_FULL = 5; // the trace buffer is half full: drain it and call run() again
export const STOP_ERR_EVENTQ = 10; // event queue capacity exceeded (a sizing bug)
export const STOP_ERR_POOL = 11; // packet pool exhausted (the message names packetPoolPackets)
export const STOP_ERR_INVARIANT = 12; // a model invariant failed (code in errorCode())
export const STOP_ERR_MEMORY = 13; // the configuration needs more memory than Wasm32 gives (init allocates nothing)
