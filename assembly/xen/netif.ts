// The netif TX request format (include/xen/interface/io/netif.h; sources.md A3, A6, A9): how
// many slots of a vif's TX ring one guest packet takes, and how they split into requests that
// carry a granted page and the extra-info slot that carries none.
//
// Models: without GSO across the vif (feature-gso-tcpv4 not negotiated) a packet is linear and
// takes one request (an MTU frame fits the 4 KiB page of its buffer, A8). With it the guest's
// TCP writes payload into page fragments, and xennet_start_xmit (A9) posts one request for the
// linear head (the headers, which never cross a page), then one request per 4 KiB page each
// fragment touches; a GSO skb (more than one segment: gso_size set) also takes one
// XEN_NETIF_EXTRA_TYPE_GSO extra-info slot right after its first request, which carries
// gso_size and gso_type and no grant. tcp_sendmsg fills the socket's page fragment
// contiguously, so segments [seq, seq + segs) of a stream sit at bytes [seq * mss,
// (seq + segs) * mss) of consecutive pages: that fixes how many pages an skb touches.
// On receive, a frontend that writes feature-gso-tcpv4 (netfront.gso.rx, sources.md A10) takes a
// GSO skb whole: netback copies it into one posted RX buffer per 4 KiB page of the frame and puts
// a GSO extra-info response after the first; without it every frame takes one buffer.
// Left out: the grant references and offsets themselves, the "rides the rocket" drop of an skb
// over MAX_SKB_FRAGS + 1 slots (a 64 KB skb at MSS 1448 takes at most 18), order-3 page
// fragments (a fragment slot is per 4 KiB page either way).

import { CFG_GSO_TX, CFG_GSO_RX, CFG_GSO_MAX_SEGS, CFG_MSS, CFG_TCP_HDR } from "../../src/abi/layout";
import { cfgU32 } from "../config";
import { pkKind, pkSeq, pkSegs, pkBytes, KIND_DATA } from "../packet";

/** Bytes of a page a TX request can grant (PAGE_SIZE). */
export const NETIF_PAGE_BYTES: u32 = 4096;
/** Ethernet + IPv4 headers in front of the TCP header of every frame. */
const ETH_IP_HDR: u32 = 14 + 20;

/** GSO across the vif negotiated (netback's feature-gso-tcpv4, the guest's NETIF_F_TSO). */
export let gsoTx: bool = false;
/** The frontend takes GSO skbs on receive (its feature-gso-tcpv4). */
export let gsoRx: bool = false;
/** Segments of a full GSO skb (tcp_xmit_size_goal from GSO_MAX_SIZE, sources.md J8). */
export let gsoMaxSegs: u32 = 1;
let mss: u32 = 1448;
let hdrBytes: u32 = 66;

/** Reads the negotiated features (both ends call it at init; it only reads the configuration). */
export function netifInit(): void {
  gsoTx = cfgU32(CFG_GSO_TX) == 1;
  gsoRx = cfgU32(CFG_GSO_RX) == 1;
  gsoMaxSegs = cfgU32(CFG_GSO_MAX_SEGS);
  mss = cfgU32(CFG_MSS);
  hdrBytes = ETH_IP_HDR + cfgU32(CFG_TCP_HDR);
}

/** Whether packet p carries a GSO extra-info slot (a TCP skb of more than one segment). */
// @ts-ignore: decorator
@inline export function netifGsoExtra(p: u32): bool {
  return pkKind(p) == KIND_DATA && pkSegs(p) > 1;
}

/** Pages of the stream's page fragments TCP data packet p touches (its payload requests). */
export function netifPayloadPages(p: u32): u32 {
  let first = <u64>pkSeq(p) * <u64>mss;
  let last = first + <u64>pkBytes(p) - 1;
  return <u32>(last / <u64>NETIF_PAGE_BYTES - first / <u64>NETIF_PAGE_BYTES) + 1;
}

/** TX ring slots packet p takes: 1 when linear; with GSO across the vif, a TCP data packet
 *  takes its head request, one request per page of payload, and the extra slot when GSO. */
export function netifTxSlots(p: u32): u32 {
  if (!gsoTx || pkKind(p) != KIND_DATA) return 1;
  return 1 + netifPayloadPages(p) + (pkSegs(p) > 1 ? 1 : 0);
}

/** Requests of packet p that grant a page (every slot but the extra-info slot): the slots of
 *  netback's pending ring it holds, and the grants it maps or copies. */
// @ts-ignore: decorator
@inline export function netifTxGrants(p: u32): u32 {
  return netifTxSlots(p) - (gsoTx && netifGsoExtra(p) ? 1 : 0);
}

/** Bytes of the frame (or GSO skb) packet p carries across the vif: payload and one set of
 *  Ethernet, IP and TCP headers. */
export function netifFrameBytes(p: u32): u32 {
  return pkBytes(p) + hdrBytes;
}

/** Bytes of packet p's first TX request: the headers alone when its payload rides in page
 *  fragments (a TCP data packet with GSO across the vif), else the whole frame. */
export function netifTxHeadBytes(p: u32): u32 {
  return gsoTx && pkKind(p) == KIND_DATA ? hdrBytes : netifFrameBytes(p);
}

/** RX ring slots packet p takes: one per 4 KiB page of a GSO skb's frame plus its extra-info
 *  slot when the frontend takes GSO skbs, else one (a frame fits its buffer). */
export function netifRxSlots(p: u32): u32 {
  if (!gsoRx || !netifGsoExtra(p)) return 1;
  return (netifFrameBytes(p) + NETIF_PAGE_BYTES - 1) / NETIF_PAGE_BYTES + 1;
}
