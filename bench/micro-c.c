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
/* ---- ring (include/xen/interface/io/ring.h, as assembly/xen/ring.ts) ---- */
#define RING_SIZE 256u
#define RING_BATCH 8u
static uint32_t slots[RING_SIZE];
static uint32_t req_prod, req_event = 1, rsp_prod, rsp_event = 1, req_prod_pvt, rsp_cons, rsp_prod_pvt, req_cons;

static inline int push_requests(void) {
  uint32_t old = req_prod, nw = req_prod_pvt;
  req_prod = nw;
  return (uint32_t)(nw - req_event) < (uint32_t)(nw - old);
}
static inline int push_responses(void) {
  uint32_t old = rsp_prod, nw = rsp_prod_pvt;
  rsp_prod = nw;
  return (uint32_t)(nw - rsp_event) < (uint32_t)(nw - old);
}
static inline uint32_t unconsumed_requests(void) {
  uint32_t req = req_prod - req_cons;
  uint32_t rsp = RING_SIZE - (req_cons - rsp_prod_pvt);
  return req < rsp ? req : rsp;
}
static inline int final_check_requests(void) {
  if (unconsumed_requests() > 0) return 1;
  req_event = req_cons + 1;
  return unconsumed_requests() > 0;
}
static inline int final_check_responses(void) {
  if (rsp_prod - rsp_cons > 0) return 1;
  rsp_event = rsp_cons + 1;
  return rsp_prod - rsp_cons > 0;
}
static uint32_t ring(uint32_t n) {
  uint32_t sum = 0, notifies = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (RING_SIZE - (req_prod_pvt - rsp_cons) == 0) break;
    uint32_t idx = req_prod_pvt;
    slots[idx & (RING_SIZE - 1)] = i;
    req_prod_pvt = idx + 1;
    if (push_requests()) notifies++;
    if ((i & (RING_BATCH - 1)) == RING_BATCH - 1) {
      do {
        while (unconsumed_requests() > 0) {
          uint32_t c = req_cons;
          sum += slots[c & (RING_SIZE - 1)];
          req_cons = c + 1;
          rsp_prod_pvt++;
        }
        if (push_responses()) notifies++;
      } while (final_check_requests());
      do {
        rsp_cons = rsp_prod;
      } while (final_check_responses());
    }
  }
  return notifies + sum;
}

/* ---- LRO (as assembly/net/lro.ts) on a packet pool (as assembly/packet.ts) ---- */
#define PKT_NONE 0xffffffffu
#define POOL 1024u
#define LRO_DESC 8u
#define LRO_MAX_AGGR 64u
#define LRO_MAX_LEN (65535u - 1500u)
#define LRO_FLOWS 4u
#define LRO_POLL 64u
#define LRO_MSS 1448u
static uint32_t p_flow[POOL], p_seq[POOL], p_segs[POOL], p_win[POOL], p_bytes[POOL], p_wire[POOL], p_aux[POOL],
    p_next[POOL];
static uint8_t p_kind[POOL];
static uint64_t p_birth[POOL];
static uint32_t free_head, in_use, allocated;
static uint32_t d_head[LRO_DESC], d_next[LRO_DESC], flow_seq[LRO_FLOWS];
static uint32_t aggregates, segments;

static void lro_init(void) {
  for (uint32_t i = 0; i < POOL; i++) p_next[i] = i + 1 < POOL ? i + 1 : PKT_NONE;
  for (uint32_t d = 0; d < LRO_DESC; d++) d_head[d] = PKT_NONE;
}
static inline uint32_t pkt_alloc(uint32_t flow, uint32_t seq, uint32_t bytes, uint32_t wire) {
  uint32_t p = free_head;
  if (p == PKT_NONE) abort();
  free_head = p_next[p];
  p_next[p] = PKT_NONE;
  p_kind[p] = 0;
  p_flow[p] = flow;
  p_seq[p] = seq;
  p_segs[p] = 1;
  p_win[p] = 0;
  p_bytes[p] = bytes;
  p_wire[p] = wire;
  p_birth[p] = 0;
  p_aux[p] = PKT_NONE;
  in_use++;
  allocated++;
  return p;
}
static inline void pkt_free(uint32_t p) {
  p_next[p] = free_head;
  free_head = p;
  in_use--;
}
static inline void deliver(uint32_t p) {
  aggregates++;
  segments += p_segs[p];
  pkt_free(p);
}
static void lro_receive(uint32_t p) {
  uint32_t f = p_flow[p], free = PKT_NONE;
  for (uint32_t d = 0; d < LRO_DESC; d++) {
    uint32_t head = d_head[d];
    if (head == PKT_NONE) {
      if (free == PKT_NONE) free = d;
      continue;
    }
    if (p_flow[head] != f) continue;
    if (p_seq[p] != d_next[d]) {
      d_head[d] = PKT_NONE;
      deliver(head);
      deliver(p);
      return;
    }
    p_segs[head] += p_segs[p];
    p_bytes[head] += p_bytes[p];
    d_next[d] = p_seq[p] + p_segs[p];
    pkt_free(p);
    if (p_segs[head] >= LRO_MAX_AGGR || p_bytes[head] > LRO_MAX_LEN) {
      d_head[d] = PKT_NONE;
      deliver(head);
    }
    return;
  }
  if (free == PKT_NONE) {
    deliver(p);
    return;
  }
  d_head[free] = p;
  d_next[free] = p_seq[p] + p_segs[p];
}
static void lro_flush_all(void) {
  for (uint32_t d = 0; d < LRO_DESC; d++) {
    uint32_t head = d_head[d];
    if (head != PKT_NONE) {
      d_head[d] = PKT_NONE;
      deliver(head);
    }
  }
}
static uint32_t lro(uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t f = (i >> 3) & (LRO_FLOWS - 1);
    uint32_t r = rnd();
    uint32_t s = flow_seq[f] + ((r & 63) == 0 ? 2 : 1);
    flow_seq[f] = s;
    lro_receive(pkt_alloc(f, s, LRO_MSS, LRO_MSS + 90));
    if ((i & (LRO_POLL - 1)) == LRO_POLL - 1) lro_flush_all();
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
