// Relations between fields that no single field's range can express: VCPU placement, affinity,
// weights and caps (placement.ts), netback groups and their placement, netfront's rx_target
// bounds, per-port lists as long as the ports, guest indices in range. Computed fields (start
// PCPUs, weights, caps, group map, kthread VCPUs, groups = 0) are filled in here.

import { ConfigError } from "./error.js";
import { fillProfileDefaults } from "./items.js";
import type { ResolvedConfig } from "./types.js";
import { resolvePlacement } from "./placement.js";

export function checkRelations(r: ResolvedConfig): void {
  if (r.links.portDelayNs !== null && r.links.portDelayNs.length !== r.nic.ports) {
    const allowed = `${r.nic.ports} delays in ns (one per port, nic.ports) or null`;
    throw new ConfigError("links.portDelayNs", r.links.portDelayNs, allowed);
  }
  resolvePlacement(r);
  checkNetback(r);
  const nf = r.netfront;
  if (!(nf.rxTargetMin <= nf.rxTargetDefault && nf.rxTargetDefault <= nf.rxTargetMax)) {
    const allowed =
      `a value between netfront.rxTargetMin (${nf.rxTargetMin}) ` + `and netfront.rxTargetMax (${nf.rxTargetMax})`;
    throw new ConfigError("netfront.rxTargetDefault", nf.rxTargetDefault, allowed);
  }
  // A stopped vif queue restarts only when netfront refills at least MAX_SKB_FRAGS+2 requests, and
  // netfront refills only batches >= rx_target/2 (D3). With a floor below twice that both can wait on
  // each other forever; Linux breaks that with netback's 500 ms queue timer, which is not modelled.
  const need = r.netback.scatterGather ? r.netback.maxSkbFrags + 2 : 1;
  if (r.netback.frontendCanQueue && nf.rxTargetMin < 2 * need) {
    const allowed =
      `at least ${2 * need} when the vif queue can stop (netback.frontendCanQueue) ` +
      `and needs ${need} free requests`;
    throw new ConfigError("netfront.rxTargetMin", nf.rxTargetMin, allowed);
  }
  // The softirq's part of a received skb's stack work is a part of that work (W10).
  const demux = r.costs["stackRxDemuxCycles"]!;
  const stackRx = r.costs["stackRxPacketCycles"]!;
  if (demux > stackRx) {
    throw new ConfigError("costs.stackRxDemuxCycles", demux, `at most costs.stackRxPacketCycles (${stackRx})`);
  }
  if (r.tcp.mtuBytes - 40 - (r.tcp.timestamps ? 12 : 0) < 1) {
    throw new ConfigError("tcp.mtuBytes", r.tcp.mtuBytes, "an MTU leaving room for TCP payload");
  }
  checkTraffic(r);
  checkSriov(r);
  checkMultiQueue(r);
  checkNetloop(r);
  checkGso(r);
}

/** GSO across the vif is modelled for streams to external hosts: a GSO skb bridged to another
 *  guest's vif would need netback's guest-RX path to segment it or pass it on whole. */
function checkGso(r: ResolvedConfig): void {
  if (r.nic.lro.enabled && !r.netfront.gso.rx) {
    const allowed =
      "false unless netfront.gso.rx is true (without it the vif has no TSO and the kernel would segment each " +
      "aggregate again in software before netback, which is not modelled)";
    throw new ConfigError("nic.lro.enabled", true, allowed);
  }
  if (r.nic.lro.enabled && r.netback.multiQueue) {
    const allowed = "false when netback.multiQueue is on (the NIC DMAs each frame into a posted guest buffer)";
    throw new ConfigError("nic.lro.enabled", true, allowed);
  }
  if (!r.netfront.gso.tx || r.netfront.gso.rx) return;
  const g2g = (r.traffic.profiles ?? []).some((p) => p.kind === "tcp-to-guest");
  if (g2g) {
    const allowed =
      'false when a traffic profile of kind "tcp-to-guest" sends between guests and netfront.gso.rx ' +
      "is false (a GSO skb toward a vif whose frontend takes no GSO skbs is segmented by dom0's " +
      "software GSO, which is not modelled); set netfront.gso.rx = true for GSO between guests";
    throw new ConfigError("netfront.gso.tx", true, allowed);
  }
}

/** netback.multiQueue posts a guest's buffers to a NIC queue of its own: VMDq, a queue per guest. */
/** netloop is the 2.6.18-xen device: its frames go through netif_rx, which netback's NAPI mode (3.12-3.14,
 *  which has no netloop) never uses for guest frames. */
function checkNetloop(r: ResolvedConfig): void {
  if (!r.netback.netloop || r.netback.mode !== "napi") return;
  const allowed = 'false when netback.mode is "napi" (netloop is 2.6.18-xen\'s; the 3.x netbacks have none)';
  throw new ConfigError("netback.netloop", true, allowed);
}

function checkMultiQueue(r: ResolvedConfig): void {
  if (!r.netback.multiQueue) return;
  const i = r.traffic.profiles.findIndex((p) => p.kind === "tcp-to-dom0");
  if (i >= 0) {
    // dom0's ACKs to a guest come from dom0's own stack, not from the NIC queue netback posts to.
    const allowed =
      'a kind other than "tcp-to-dom0" when netback.multiQueue is on (frames from dom0\'s own stack ' +
      "to a guest are not modelled with it)";
    throw new ConfigError(`traffic.profiles[${i}]`, "tcp-to-dom0", allowed);
  }
  if (r.nic.queueSelect !== "vmdq") {
    const allowed = '"vmdq" when netback.multiQueue is on (each guest needs an RX queue of its own)';
    throw new ConfigError("nic.queueSelect", r.nic.queueSelect, allowed);
  }
  const perPort = Math.ceil(r.guests.count / r.nic.ports);
  if (r.nic.rxQueuesPerPort < perPort) {
    const allowed =
      `at least ${perPort} when netback.multiQueue is on ` +
      `(one VMDq queue per guest: ${r.guests.count} guests on ${r.nic.ports} port(s))`;
    throw new ConfigError("nic.rxQueuesPerPort", r.nic.rxQueuesPerPort, allowed);
  }
}

/** SR-IOV: the guests that own a VF exist, their ports offer enough VFs, and no guest-to-guest flow
 *  involves them (the NIC's internal switch between VFs is not modelled). */
function checkSriov(r: ResolvedConfig): void {
  const n = r.nic.sriov.guests;
  if (n === 0) return;
  const N = r.guests.count;
  if (n > N) throw new ConfigError("nic.sriov.guests", n, `at most guests.count (${N})`);
  // Guest i sits behind port i % ports, so port 0 carries the most of guests 0 .. n-1.
  const P = r.nic.ports;
  const vfs = r.nic.sriov.vfsPerPort;
  const onPort0 = Math.ceil(n / P);
  if (onPort0 > vfs) {
    const allowed =
      `at most ${P * vfs} (nic.ports ${P} x nic.sriov.vfsPerPort ${vfs}): ` +
      `${onPort0} guests would share port 0, which offers ${vfs} VFs`;
    throw new ConfigError("nic.sriov.guests", n, allowed);
  }
  r.traffic.profiles.forEach((p, i) => {
    if (p.kind === "tcp-to-dom0") {
      // A VF guest's frames go from its VF to the wire: dom0's stack never sees them.
      const vfGuest = p.guests.find((g) => g < n);
      if (vfGuest !== undefined) {
        const owner = `guest ${vfGuest} owns one: nic.sriov.guests = ${n}`;
        const allowed = `guests without a VF (${owner}; its frames bypass dom0)`;
        throw new ConfigError(`traffic.profiles[${i}]`, "tcp-to-dom0", allowed);
      }
      return;
    }
    if (p.kind !== "tcp-to-guest" || p.peer === undefined) return;
    const vfGuest = [...p.guests, p.peer].find((g) => g < n);
    if (vfGuest !== undefined) {
      const allowed = `guests without a VF (guest ${vfGuest} owns one: nic.sriov.guests = ${n})`;
      throw new ConfigError(`traffic.profiles[${i}]`, "tcp-to-guest", allowed);
    }
  });
}

/** Netback groups and their placement. */
function checkNetback(r: ResolvedConfig): void {
  const D = r.dom0.vcpus;
  const N = r.guests.count;
  if (r.netback.mode === "napi") checkNapiMode(r);
  const G = r.netback.groups === 0 ? D : r.netback.groups;
  r.netback.groups = G;
  if (r.netback.assignment === "explicit") {
    const m = r.netback.groupMap;
    if (m === null || m.length !== N) {
      throw new ConfigError(
        "netback.groupMap",
        m,
        `${N} group ids (one per guest) when netback.assignment is "explicit"`,
      );
    }
    m.forEach((g, i) => {
      if (g >= G)
        throw new ConfigError(`netback.groupMap[${i}]`, g, `a group id from 0 to ${G - 1} (netback.groups = ${G})`);
    });
  } else {
    // Least-loaded at connect time with vifs connecting in order (C4) and round-robin both give i % G.
    r.netback.groupMap = Array.from({ length: N }, (_, i) => i % G);
  }
  if (r.netback.kthreadVcpus === null) r.netback.kthreadVcpus = Array.from({ length: G }, (_, g) => g % D);
  if (r.netback.kthreadVcpus.length !== G) {
    throw new ConfigError("netback.kthreadVcpus", r.netback.kthreadVcpus, `${G} dom0 VCPU ids (one per group)`);
  }
  r.netback.kthreadVcpus.forEach((v, i) => {
    if (v >= D) throw new ConfigError(`netback.kthreadVcpus[${i}]`, v, `a dom0 VCPU id from 0 to ${D - 1}`);
  });
  if (r.netback.coalesce.count > 1 && r.netback.coalesce.timeUs <= 0) {
    const allowed = "a time > 0 us when netback.coalesce.count > 1 (a held notification needs a timer)";
    throw new ConfigError("netback.coalesce.timeUs", r.netback.coalesce.timeUs, allowed);
  }
}

/** netback.mode "napi" (Linux 3.12-3.14): every vif is a group of its own (its own pending ring,
 *  rx_queue, NAPI instance and thread), TX requests are grant-copied, and its split event
 *  channels count responses per ring, which the coalescing of one channel's does not model. */
function checkNapiMode(r: ResolvedConfig): void {
  const nb = r.netback;
  const N = r.guests.count;
  const D = r.dom0.vcpus;
  const why = 'when netback.mode is "napi" (3.12+ netback has one NAPI instance and one thread per vif, no groups)';
  // A resolved configuration (re-resolved by workers and browsers) holds what this check fills in.
  if (nb.groups !== 0 && nb.groups !== 1 && nb.groups !== N) {
    throw new ConfigError("netback.groups", nb.groups, `1, 0 or guests.count (${N}) ${why}`);
  }
  if (nb.assignment === "explicit") {
    throw new ConfigError("netback.assignment", nb.assignment, `"least-loaded" or "round-robin" ${why}`);
  }
  if (nb.groupMap !== null && !nb.groupMap.every((g, i) => g === i)) {
    throw new ConfigError("netback.groupMap", nb.groupMap, `null ${why}`);
  }
  if (nb.kthreadVcpus !== null && !nb.kthreadVcpus.every((v, g) => v === g % D)) {
    const allowed =
      'null when netback.mode is "napi" (the per-vif threads are created unbound: kthread_create, no kthread_bind)';
    throw new ConfigError("netback.kthreadVcpus", nb.kthreadVcpus, allowed);
  }
  if (!nb.txGrantCopy) {
    const allowed =
      'true when netback.mode is "napi" (3.12-3.14 netback grant-copies TX requests; the mapping of 3.15+, ' +
      "with its dealloc thread, is not modelled)";
    throw new ConfigError("netback.txGrantCopy", nb.txGrantCopy, allowed);
  }
  if (nb.coalesce.count > 1 || nb.coalesce.timeUs > 0) {
    const field = nb.coalesce.count > 1 ? "netback.coalesce.count" : "netback.coalesce.timeUs";
    const value = nb.coalesce.count > 1 ? nb.coalesce.count : nb.coalesce.timeUs;
    const allowed =
      `${nb.coalesce.count > 1 ? "1" : "0"} when netback.mode is "napi" (notification coalescing is modelled ` +
      "for one event channel per vif; this mode splits it in two)";
    throw new ConfigError(field, value, allowed);
  }
  // One group per vif; the thread placement table is filled as for any mode but not used.
  nb.groups = N;
  nb.groupMap = Array.from({ length: N }, (_, i) => i);
  nb.kthreadVcpus = Array.from({ length: N }, (_, g) => g % D);
}

/** Guest indices of UDP sources and profiles in range; some traffic at all. */
function checkTraffic(r: ResolvedConfig): void {
  const N = r.guests.count;
  const guest = (field: string, g: number): void => {
    if (g >= N) throw new ConfigError(field, g, `a guest index from 0 to ${N - 1}`);
  };
  r.traffic.udp.forEach((s, i) => guest(`traffic.udp[${i}].guest`, s.guest));
  r.traffic.profiles.forEach((p, i) => {
    fillProfileDefaults(p);
    p.guests.forEach((g, j) => guest(`traffic.profiles[${i}].guests[${j}]`, g));
    if (p.peer === undefined) return;
    if (p.guests.includes(p.peer)) {
      const allowed = "a guest other than the senders in guests (a guest does not send to itself)";
      throw new ConfigError(`traffic.profiles[${i}].peer`, p.peer, allowed);
    }
    guest(`traffic.profiles[${i}].peer`, p.peer);
  });
  const profiled = r.traffic.profiles.some((p) => p.kind !== "idle");
  if (r.traffic.rxStreamsPerGuest + r.traffic.txStreamsPerGuest + r.traffic.udp.length === 0 && !profiled) {
    throw new ConfigError("traffic", r.traffic, "at least one TCP stream or UDP source");
  }
}
