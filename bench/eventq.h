/* The event heap and PRNG shared by the C benchmark twins (bench/kernel.c, bench/micro-c.c):
 * the layout of assembly/base/eventq.ts (16-byte entries: u64 time, u32 seq, u32 target, ordered
 * by time then by wrap-aware seq) and the xorshift128 generator of docs/bench-kernel.md.
 * Pop is lazy (replace-top), as in eventq.ts: the popped root stays in place until the next push
 * overwrites it or the next pop removes it.
 * Included by each twin's single translation unit; gcc finds it beside the including file. */
#ifndef PVNETSIM_BENCH_EVENTQ_H
#define PVNETSIM_BENCH_EVENTQ_H
#include <stdint.h>

typedef struct {
  uint64_t time;
  uint32_t seq;
  uint32_t target;
} ev_t;

static ev_t *heap;
static uint32_t hsize, hseq; /* hsize: pending events, a taken root not counted */
static uint32_t top_taken;  /* the root holds the event popped last (lazy pop, as eventq.ts) */
static uint32_t rx = 123456789u, ry = 362436069u, rz = 521288629u, rw = 88675123u;

static inline uint32_t rnd(void) {
  uint32_t t = rx ^ (rx << 11);
  rx = ry;
  ry = rz;
  rz = rw;
  rw = rw ^ (rw >> 19) ^ (t ^ (t >> 8));
  return rw;
}
static inline uint32_t uni(uint32_t n) { return (uint32_t)(((uint64_t)rnd() * n) >> 32); }

static inline int before(uint64_t t1, uint32_t s1, uint64_t t2, uint32_t s2) {
  return t1 < t2 || (t1 == t2 && (int32_t)(s1 - s2) < 0);
}

/* Places e at the free root slot of a heap of n entries and sifts it down; the smaller child is
 * chosen by adding the comparison of the times to the index, equal times deciding by seq behind
 * a branch, as eventq.ts does. */
static inline void sift_down(uint32_t n, ev_t e) {
  uint32_t i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n) {
      uint64_t ct = heap[c].time, rt = heap[c + 1].time;
      uint32_t right = (uint32_t)(rt < ct);
      if (rt == ct) right = (heap[c + 1].seq - heap[c].seq) >> 31;
      c += right;
    }
    if (!before(heap[c].time, heap[c].seq, e.time, e.seq)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = e;
}

static inline void remove_taken(void) {
  top_taken = 0;
  if (hsize > 0) sift_down(hsize, heap[hsize]);
}

static inline void push(uint64_t time, uint32_t target) {
  uint32_t seq = hseq++;
  if (top_taken) { /* replace-top */
    top_taken = 0;
    ev_t e = {time, seq, target};
    sift_down(++hsize, e);
    return;
  }
  uint32_t i = hsize++;
  while (i > 0) {
    uint32_t p = (i - 1) >> 1;
    if (!before(time, seq, heap[p].time, heap[p].seq)) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i].time = time;
  heap[i].seq = seq;
  heap[i].target = target;
}

static inline ev_t pop(void) {
  if (top_taken) remove_taken();
  hsize--;
  top_taken = 1;
  return heap[0];
}
#endif
