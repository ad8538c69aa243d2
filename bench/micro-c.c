/* Microbenchmarks in C (gcc -O2): the native ceiling for the ring, event-queue hold and LRO rows
 * of bench/micro.ts. Same structures and the same operation sequences as the Wasm drivers in
 * assembly/bench/micro.ts (mbRing, mbEqHold, mbLro), so the checksum of the third call must equal
 * the Wasm driver's.
 *
 * Run: ./micro-c CASE CALLS OPS_PER_CALL     CASE = hold:PENDING | ring | lro
 * Prints: checksum-of-3rd-call median-ops-per-wall-second median-ops-per-CPU-second */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eventq.h"


static uint32_t hold(uint32_t n) {
  uint32_t x = 0;
  for (uint32_t i = 0; i < n; i++) {
    ev_t e = pop();
    uint32_t t = e.target;
    x = (x * 31) ^ t;
    push(e.time + 1 + uni(1000000), t);
  }
  return x + hsize;
}
/* ---- ring (include/xen/interface/io/ring.h, as assembly/xen/ring.ts) ----
 * As ring.h has it: the shared page (producer and event indices, then the slots) and the two
 * private halves are memory, reached through the ring's number (the engine serves two rings per
 * vif; which one is known only at run time), and the macros' barriers stay where ring.h puts
 * them. xen_wmb() is a compiler barrier on x86; xen_mb() is a full fence there, which the model
 * does not execute (one thread plays both ends), so it is a compiler barrier too. The barriers
 * are what keeps the indices in memory: the other end reads and writes the shared page. */
#define RING_SIZE 256u
#define RING_BATCH 8u
#define RINGS 2u
#define barrier() __asm__ __volatile__("" ::: "memory")
struct ring {
  uint32_t req_prod, req_event, rsp_prod, rsp_event; /* shared page */
  uint32_t req_prod_pvt, rsp_cons;                   /* front_ring */
  uint32_t rsp_prod_pvt, req_cons;                   /* back_ring */
  uint32_t pad[8];
  uint32_t slot[RING_SIZE];
};
static struct ring rings[RINGS];
static volatile uint32_t ring_id; /* 0, but not a constant to the compiler */

static void ring_init(void) {
  for (uint32_t r = 0; r < RINGS; r++) rings[r].req_event = rings[r].rsp_event = 1;
}
static inline int push_requests(struct ring *q) { /* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
  uint32_t old = q->req_prod, nw = q->req_prod_pvt;
  barrier(); /* xen_wmb */
  q->req_prod = nw;
  barrier(); /* xen_mb */
  return (uint32_t)(nw - q->req_event) < (uint32_t)(nw - old);
}
static inline int push_responses(struct ring *q) { /* RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
  uint32_t old = q->rsp_prod, nw = q->rsp_prod_pvt;
  barrier(); /* xen_wmb */
  q->rsp_prod = nw;
  barrier(); /* xen_mb */
  return (uint32_t)(nw - q->rsp_event) < (uint32_t)(nw - old);
}
static inline uint32_t unconsumed_requests(struct ring *q) { /* RING_HAS_UNCONSUMED_REQUESTS */
  uint32_t req = q->req_prod - q->req_cons;
  uint32_t rsp = RING_SIZE - (q->req_cons - q->rsp_prod_pvt);
  return req < rsp ? req : rsp;
}
static inline int final_check_requests(struct ring *q) { /* RING_FINAL_CHECK_FOR_REQUESTS */
  if (unconsumed_requests(q) > 0) return 1;
  q->req_event = q->req_cons + 1;
  barrier(); /* xen_mb */
  return unconsumed_requests(q) > 0;
}
static inline int final_check_responses(struct ring *q) { /* RING_FINAL_CHECK_FOR_RESPONSES */
  if (q->rsp_prod - q->rsp_cons > 0) return 1;
  q->rsp_event = q->rsp_cons + 1;
  barrier(); /* xen_mb */
  return q->rsp_prod - q->rsp_cons > 0;
}
static uint32_t ring(uint32_t n) {
  struct ring *q = &rings[ring_id];
  uint32_t sum = 0, notifies = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (RING_SIZE - (q->req_prod_pvt - q->rsp_cons) == 0) break;
    uint32_t idx = q->req_prod_pvt;
    q->slot[idx & (RING_SIZE - 1)] = i;
    q->req_prod_pvt = idx + 1;
    if (push_requests(q)) notifies++;
    if ((i & (RING_BATCH - 1)) == RING_BATCH - 1) {
      do {
        while (unconsumed_requests(q) > 0) {
          uint32_t c = q->req_cons;
          barrier(); /* rmb: the request is read after the producer index */
          sum += q->slot[c & (RING_SIZE - 1)];
          q->req_cons = c + 1;
          q->rsp_prod_pvt++;
        }
        if (push_responses(q)) notifies++;
      } while (final_check_requests(q));
      do { /* xennet_tx_buf_gc */
        uint32_t prod = q->rsp_prod;
        barrier(); /* rmb: responses are read after the producer index */
        q->rsp_cons = prod;
      } while (final_check_responses(q));
    }
  }
  return notifies + sum;
}

/* ---- LRO (as assembly/net/lro.ts) on a packet pool (as assembly/packet.ts) ----
 * The same work as the Wasm driver: 48-byte packet records (a free list through the flow field,
 * records never used taken from a fresh index), the counters lro.ts and packet.ts bump (segments,
 * aggregates, flush causes, packets allocated), each segment's cost charged to the running job
 * and to its VCPU's component counter, and the guest's output queue (a power-of-two FIFO) that
 * the driver drains after each call. Sizes and costs are variables set at init, as the model
 * reads them from its configuration. */
#define PKT_NONE 0xffffffffu
#define POOL 1024u
#define LRO_DESC 8u
#define LRO_MAX_AGGR 64u
#define LRO_FLOWS 4u
#define LRO_POLL 64u
#define LRO_MSS 1448u
#define LRO_SEG_CYCLES 150u
enum { ST_PKTS_ALLOCATED, ST_LRO_SEGMENTS, ST_LRO_AGGREGATES, ST_FLUSH_END, ST_FLUSH_MAX, ST_FLUSH_64K, ST_FLUSH_OOO,
       ST_FLUSH_NODESC, ST_N };
#define COMP_COUNT 12u
#define COMP_LRO 7u
struct pkt {
  uint32_t kind, flow, seq, segs, bytes, wire;
  uint64_t birth;
  uint32_t win, aux, sack_lo, sack_hi;
};
static struct pkt pool[POOL];
static uint32_t capacity, fresh, free_head, in_use;
static uint64_t now_cycles, stats[ST_N], comp_cycles[COMP_COUNT], job_cycles, lro_seg_cycles;
static uint32_t cur_v;
static uint32_t max_aggr, n_desc, max_len;
static uint32_t d_head[LRO_DESC], d_next[LRO_DESC], flow_seq[LRO_FLOWS];
static uint32_t out_buf[16], out_head, out_tail, out_mask, out_limit;
static uint32_t aggregates, segments;

static void lro_init(void) {
  capacity = POOL;
  free_head = PKT_NONE;
  max_aggr = LRO_MAX_AGGR;
  n_desc = LRO_DESC;
  max_len = 65535u - 1500u;
  lro_seg_cycles = LRO_SEG_CYCLES;
  out_limit = LRO_DESC + 2;
  out_mask = 15;
  for (uint32_t d = 0; d < LRO_DESC; d++) d_head[d] = PKT_NONE;
}
static inline uint32_t pkt_alloc(uint32_t kind, uint32_t flow, uint32_t seq, uint32_t bytes, uint32_t wire) {
  uint32_t p = free_head;
  if (p != PKT_NONE) free_head = pool[p].flow;
  else if (fresh < capacity) p = fresh++;
  else abort();
  struct pkt *r = &pool[p];
  r->kind = kind;
  r->flow = flow;
  r->seq = seq;
  r->segs = kind == 0 ? 1 : 0;
  r->bytes = bytes;
  r->wire = wire;
  r->birth = now_cycles;
  r->win = 0;
  r->aux = PKT_NONE;
  r->sack_lo = r->sack_hi = 0;
  in_use++;
  stats[ST_PKTS_ALLOCATED]++;
  return p;
}
static inline void pkt_free(uint32_t p) {
  pool[p].flow = free_head;
  free_head = p;
  in_use--;
}
static inline void out_push(uint32_t p) {
  if (out_tail - out_head >= out_limit) abort();
  out_buf[out_tail & out_mask] = p;
  out_tail++;
}
static void flush(uint32_t slot, int stat) {
  uint32_t head = d_head[slot];
  d_head[slot] = PKT_NONE;
  stats[stat]++;
  stats[ST_LRO_AGGREGATES]++;
  out_push(head);
}
static void lro_receive(uint32_t p) {
  job_cycles += lro_seg_cycles; /* charge(COMP_LRO, ...) */
  comp_cycles[cur_v * COMP_COUNT + COMP_LRO] += lro_seg_cycles;
  stats[ST_LRO_SEGMENTS]++;
  uint32_t f = pool[p].flow, free = PKT_NONE;
  for (uint32_t d = 0; d < n_desc; d++) {
    uint32_t head = d_head[d];
    if (head == PKT_NONE) {
      if (free == PKT_NONE) free = d;
      continue;
    }
    if (pool[head].flow != f) continue;
    if (pool[p].seq != d_next[d]) {
      flush(d, ST_FLUSH_OOO);
      stats[ST_LRO_AGGREGATES]++;
      out_push(p);
      return;
    }
    pool[head].segs += pool[p].segs;
    pool[head].bytes += pool[p].bytes;
    d_next[d] = pool[p].seq + pool[p].segs;
    pkt_free(p);
    if (pool[head].segs >= max_aggr) flush(d, ST_FLUSH_MAX);
    else if (pool[head].bytes > max_len) flush(d, ST_FLUSH_64K);
    return;
  }
  if (free == PKT_NONE || max_aggr <= 1) {
    stats[ST_FLUSH_NODESC]++;
    stats[ST_LRO_AGGREGATES]++;
    out_push(p);
    return;
  }
  d_head[free] = p;
  d_next[free] = pool[p].seq + pool[p].segs;
}
static void lro_flush_all(void) {
  for (uint32_t d = 0; d < n_desc; d++)
    if (d_head[d] != PKT_NONE) flush(d, ST_FLUSH_END);
}
static void pass_up(void) { /* the stack takes what LRO passed up: count and free */
  while (out_tail - out_head > 0) {
    uint32_t p = out_buf[out_head & out_mask];
    out_head++;
    aggregates++;
    segments += pool[p].segs;
    pkt_free(p);
  }
}
static uint32_t lro(uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t f = (i >> 3) & (LRO_FLOWS - 1);
    uint32_t r = rnd();
    uint32_t s = flow_seq[f] + ((r & 63) == 0 ? 2 : 1);
    flow_seq[f] = s;
    lro_receive(pkt_alloc(0, f, s, LRO_MSS, LRO_MSS + 90));
    pass_up();
    if ((i & (LRO_POLL - 1)) == LRO_POLL - 1) {
      lro_flush_all();
      pass_up();
    }
  }
  return (aggregates << 16) + segments;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s hold:PENDING|ring|lro CALLS OPS_PER_CALL\n", argv[0]);
    return 2;
  }
  int mode = 0; /* 0 hold, 1 ring, 2 lro */
  uint32_t pending = 0;
  if (strncmp(argv[1], "hold:", 5) == 0) pending = (uint32_t)atoi(argv[1] + 5);
  else if (strcmp(argv[1], "ring") == 0) mode = 1;
  else if (strcmp(argv[1], "lro") == 0) mode = 2;
  else return 2;
  int calls = atoi(argv[2]);
  uint32_t ops = (uint32_t)atoi(argv[3]);
  heap = malloc(sizeof(ev_t) * (pending + 16));
  double *rate = malloc(sizeof(double) * (size_t)calls);
  double *crate = malloc(sizeof(double) * (size_t)calls);
  if (!heap || !rate || !crate || calls < 3) return 1;
  if (mode == 0)
    for (uint32_t i = 0; i < pending; i++) push(uni(1000000), i);
  if (mode == 1) ring_init();
  if (mode == 2) lro_init();
  uint32_t check = 0;
  for (int c = 0; c < calls; c++) {
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    uint32_t x = mode == 0 ? hold(ops) : mode == 1 ? ring(ops) : lro(ops);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (c == 2) check = x;
    rate[c] = ops / ((double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec));
    crate[c] = ops / ((double)(cb.tv_sec - ca.tv_sec) + 1e-9 * (double)(cb.tv_nsec - ca.tv_nsec));
  }
  qsort(rate, (size_t)calls, sizeof(double), cmp);
  qsort(crate, (size_t)calls, sizeof(double), cmp);
  printf("%u %.0f %.0f\n", check, rate[calls / 2], crate[calls / 2]);
  return 0;
}
