// Request/response sessions between external clients and a server application in a guest, as
// netperf's TCP_RR runs them (sources.md N3): the client sends a request of `requestBytes`, the guest's
// application receives it and sends a response of `responseBytes`, the client takes the
// response, waits `think` and sends the next request. One transaction is outstanding per
// session; the transaction time (request sent to response fully received) is the latency
// netperf reports, and transactions/s its result.
//
// Models: messages cut into MSS-sized frames (the last one shorter) with TCP/IP and Ethernet
// overhead on the wire (sources.md J1, J4); ACKs ride on the next message in the other
// direction, as with netperf's back-to-back transactions (a request acknowledges the previous
// response, a response its request). Guest costs as for any TCP segment: stack receive per
// frame and byte (charged by the stack when the frame arrives), one recv() call plus the copy
// of the request, then stack transmit per frame and byte and netfront transmit per frame for
// the response. A lost frame is recovered as TCP recovers a lone segment: by the sender's
// retransmission timeout (RTO_min, doubling), the whole message again; the server answers a
// repeated request again. Retransmission timeouts are checked once per jiffy (1 ms, HZ=1000,
// sources.md N4) by
// one scan over the sessions, so a session never leaves a stale timer event behind.
// Left out: pure ACKs (the delayed-ACK timer never fires while transactions follow each other
// within 40 ms), Nagle, window limits (messages here are far below any window), several
// requests in flight per session (netperf's burst mode).

import {
  CFG_RR_SESSIONS, CFG_OFF_RR, RR_REC, RR_GUEST, RR_REQ_BYTES, RR_RSP_BYTES, RR_THINK,
  CFG_MSS, CFG_TCP_HDR, CFG_CPU_HZ, CFG_TCP_RTO_MIN, CFG_START_JITTER, CFG_WARMUP, CFG_CLIENTS_PER_PORT,
  COMP_STACK, COMP_APP, COST_STACK_TX_PKT, COST_STACK_TX_PER_BYTE, COST_APP_RECV_CALL, COST_APP_COPY_PER_BYTE, ST_INJECTED, ST_DELIVERED, ST_RR_TRANSACTIONS,
  ST_RR_LAT_SUM, ST_RR_RETRANS,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable, cost } from "../config";
import { statInc, statAdd, recordRrLatency } from "../stats";
import { eqNow, eqPush } from "../base/eventq";
import { EV_RR } from "../base/targets";
import { rngUniform } from "../base/rng";
import { pktAlloc, pktFree, pktUnits, pkSeq, pkFlow, pkWin, pkSetWin, PKT_NONE, KIND_RR_REQ, KIND_RR_RSP } from "../packet";
import { rrGuest, rrClient } from "../flows";
import { charge } from "../cpu/account";
import { linkSend, senderLink, guestPort } from "../hw/link";
import { netfrontStage } from "../netfront/netfront";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";


const ETH_OVERHEAD: u32 = 38;
const IP_HDR: u32 = 20;
const MIN_WIRE: u32 = 84; // 64-byte minimum frame + preamble/SFD + inter-frame gap
const RTO_MAX_BACKOFF: u32 = 10;

export let nSessions: u32 = 0;
let sReq = new StaticArray<u32>(0); // request bytes
let sRsp = new StaticArray<u32>(0); // response bytes
let sThink = new StaticArray<u64>(0); // cycles
let sTxn = new StaticArray<u32>(0); // client: transaction in progress
let sSent = new StaticArray<u64>(0); // client: first transmission of the current request
let sRspGot = new StaticArray<u32>(0); // client: response frames of the current transaction received
let sWaiting = new StaticArray<u8>(0); // client: 1 = waiting for a response
let sRtoAt = new StaticArray<u64>(0); // client: retransmission deadline while waiting
let sBackoff = new StaticArray<u32>(0);
let sSrvTxn = new StaticArray<u32>(0); // server: next transaction it expects
let sSrvGot = new StaticArray<u32>(0); // server: request frames of that transaction received
/** Per guest: sessions whose request is complete and waits for the application (a FIFO ring). */
let readyQ = new StaticArray<u32>(0);
let readyHead = new StaticArray<u32>(0);
let readyTail = new StaticArray<u32>(0);
let readyCap: u32 = 1;
let guestFirst = new StaticArray<u32>(0);
let mss: u32 = 1448;
let hdr: u32 = 32;
let rtoMin: u64 = 0;
let warmup: u64 = 0;
let jiffy: u64 = 0;
/** Event index of the once-per-jiffy retransmission scan (session events use 0..sessions-1). */
const RR_SCAN: u32 = 0xffffff;

function framesOf(bytes: u32): u32 {
  return bytes == 0 ? 1 : (bytes + mss - 1) / mss;
}
function frameBytes(bytes: u32, i: u32): u32 {
  let rest = bytes - i * mss;
  return rest < mss ? rest : mss;
}
function wireOf(payload: u32): u32 {
  let w = payload + hdr + IP_HDR + ETH_OVERHEAD;
  return w < MIN_WIRE ? MIN_WIRE : w;
}

export function rrInit(guests: u32): void {
  nSessions = cfgU32(CFG_RR_SESSIONS);
  mss = cfgU32(CFG_MSS);
  hdr = cfgU32(CFG_TCP_HDR);
  rtoMin = cfgU64(CFG_TCP_RTO_MIN);
  warmup = cfgU64(CFG_WARMUP);
  jiffy = cfgU64(CFG_CPU_HZ) / 1000;
  let n = <i32>nSessions;
  sReq = freshArray<u32>(n);
  sRsp = freshArray<u32>(n);
  sThink = freshArray<u64>(n);
  sTxn = freshArray<u32>(n);
  sSent = freshArray<u64>(n);
  sRspGot = freshArray<u32>(n);
  sWaiting = freshArray<u8>(n);
  sRtoAt = freshArray<u64>(n);
  sBackoff = freshArray<u32>(n);
  sSrvTxn = freshArray<u32>(n);
  sSrvGot = freshArray<u32>(n);
  readyCap = nSessions + 1;
  readyQ = freshArray<u32>(<i32>(guests * readyCap));
  readyHead = freshArray<u32>(<i32>guests);
  readyTail = freshArray<u32>(<i32>guests);
  guestFirst = freshArray<u32>(<i32>guests);
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  for (let s: u32 = 0; s < nSessions; s++) {
    let o = <i32>(s * <u32>RR_REC);
    unchecked((rrGuest[s] = <u32>cfgTable(CFG_OFF_RR, o + RR_GUEST)));
    unchecked((sReq[s] = <u32>cfgTable(CFG_OFF_RR, o + RR_REQ_BYTES)));
    unchecked((sRsp[s] = <u32>cfgTable(CFG_OFF_RR, o + RR_RSP_BYTES)));
    unchecked((sThink[s] = <u64>cfgTable(CFG_OFF_RR, o + RR_THINK)));
    unchecked((rrClient[s] = c == 0 ? 0 : s % c));
  }
}

/** Tallies the bytes rrInit(guests) allocates. */
export function rrMemory(guests: u64): void {
  let n = <u64>cfgU32(CFG_RR_SESSIONS);
  memArrays(MEM_PART, n, 4, 7);
  memArrays(MEM_PART, n, 8, 3);
  memArrays(MEM_PART, n, 1);
  memArrays(MEM_PART, guests * (n + 1), 4);
  memArrays(MEM_PART, guests, 4, 3);
}

/** Every session's client starts at a seeded time in [0, startJitter). */
export function rrStartAll(): void {
  let jitter = <f64>cfgU64(CFG_START_JITTER);
  for (let s: u32 = 0; s < nSessions; s++) eqPush(<u64>(rngUniform() * jitter), EV_RR | s);
  if (nSessions > 0) eqPush(jiffy, EV_RR | RR_SCAN);
}


/** The client puts request `txn` of session s on its wire (first time or again). */
function clientSend(s: u32): void {
  let g = unchecked(rrGuest[s]);
  let bytes = unchecked(sReq[s]);
  let n = framesOf(bytes);
  let l = senderLink(guestPort(g), unchecked(rrClient[s]));
  for (let i: u32 = 0; i < n; i++) {
    let b = frameBytes(bytes, i);
    let p = pktAlloc(KIND_RR_REQ, s, unchecked(sTxn[s]), b, wireOf(b));
    if (p == PKT_NONE) return;
    pkSetWin(p, i); // frame index within the message
    statInc(ST_INJECTED);
    linkSend(l, p);
  }
  unchecked((sWaiting[s] = 1));
  unchecked((sRspGot[s] = 0));
  unchecked((sRtoAt[s] = eqNow + (rtoMin << unchecked(sBackoff[s]))));
}

/** Engine event: session s's client sends its next request (after its think time), or, for
 *  RR_SCAN, the per-jiffy check of every waiting client's retransmission deadline. */
export function rrOnEvent(s: u32): void {
  if (s == RR_SCAN) {
    for (let i: u32 = 0; i < nSessions; i++) {
      if (!unchecked(sWaiting[i]) || unchecked(sRtoAt[i]) > eqNow) continue;
      statInc(ST_RR_RETRANS);
      let b = unchecked(sBackoff[i]);
      if (b < RTO_MAX_BACKOFF) unchecked((sBackoff[i] = b + 1));
      clientSend(i);
    }
    eqPush(eqNow + jiffy, EV_RR | RR_SCAN);
    return;
  }
  unchecked((sSent[s] = eqNow));
  clientSend(s);
}

/** A response frame reaches the client. */
export function rrClientReceive(s: u32, p: u32): void {
  let txn = pkSeq(p);
  let frame = pkWin(p);
  statAdd(ST_DELIVERED, pktUnits(p));
  pktFree(p);
  if (!unchecked(sWaiting[s]) || txn != unchecked(sTxn[s])) return; // a late copy
  // Frames arrive in order on these paths; after a loss the rest wait for the whole message
  // again (go-back-N), so a frame counts only when it is the next one.
  if (frame != unchecked(sRspGot[s])) return;
  let got = unchecked(sRspGot[s]) + 1;
  unchecked((sRspGot[s] = got));
  if (got < framesOf(unchecked(sRsp[s]))) return;
  // Transaction complete.
  let sent = unchecked(sSent[s]);
  if (sent >= warmup) {
    statInc(ST_RR_TRANSACTIONS);
    statAdd(ST_RR_LAT_SUM, eqNow - sent);
    recordRrLatency(eqNow - sent);
  }
  unchecked((sWaiting[s] = 0));
  unchecked((sBackoff[s] = 0));
  unchecked((sTxn[s] = txn + 1));
  let think = unchecked(sThink[s]);
  if (think == 0) {
    // Back-to-back transactions: the next request leaves as the response is taken.
    unchecked((sSent[s] = eqNow));
    clientSend(s);
  } else eqPush(eqNow + think, EV_RR | s);
}

/** A request frame reaches guest g's stack (its receive cost is already charged). */
export function rrServerReceive(g: u32, p: u32): void {
  let s = pkFlow(p);
  let txn = pkSeq(p);
  let frame = pkWin(p);
  statAdd(ST_DELIVERED, pktUnits(p));
  pktFree(p);
  let expect = unchecked(sSrvTxn[s]);
  if (txn + 1 == expect) {
    // The client sent the answered request again (its response was lost): TCP resends the
    // response from the socket's send queue, without the application.
    if (frame == 0) sendResponse(s, txn);
    return;
  }
  if (txn != expect || frame != unchecked(sSrvGot[s])) return;
  let got = unchecked(sSrvGot[s]) + 1;
  if (got < framesOf(unchecked(sReq[s]))) {
    unchecked((sSrvGot[s] = got));
    return;
  }
  unchecked((sSrvGot[s] = 0));
  let t = unchecked(readyTail[g]);
  unchecked((readyQ[g * readyCap + t % readyCap] = s));
  unchecked((readyTail[g] = t + 1));
}

/** Whether guest g's application has a complete request to answer. */
export function rrHasWork(g: u32): bool {
  return unchecked(readyTail[g]) != unchecked(readyHead[g]);
}

/** The application of guest g answers its oldest complete request: recv() then send(). */
export function rrServe(g: u32): void {
  let h = unchecked(readyHead[g]);
  let s = unchecked(readyQ[g * readyCap + h % readyCap]);
  unchecked((readyHead[g] = h + 1));
  let req = unchecked(sReq[s]);
  charge(COMP_APP, <u64>(cost(COST_APP_RECV_CALL) + cost(COST_APP_COPY_PER_BYTE) * <f64>req));
  let txn = unchecked(sSrvTxn[s]);
  unchecked((sSrvTxn[s] = txn + 1));
  sendResponse(s, txn);
}

function sendResponse(s: u32, txn: u32): void {
  let g = unchecked(rrGuest[s]);
  let bytes = unchecked(sRsp[s]);
  let n = framesOf(bytes);
  for (let i: u32 = 0; i < n; i++) {
    let b = frameBytes(bytes, i);
    let p = pktAlloc(KIND_RR_RSP, s, txn, b, wireOf(b));
    if (p == PKT_NONE) return;
    pkSetWin(p, i);
    statInc(ST_INJECTED);
    charge(COMP_STACK, <u64>(cost(COST_STACK_TX_PKT) + cost(COST_STACK_TX_PER_BYTE) * <f64>b));
    netfrontStage(g, p);
  }
}
