/* Event-queue hold microbenchmark in C (gcc -O2): the native ceiling for the "event queue hold"
 * rows of bench/micro.ts, same heap as assembly/sim/eventq.ts (16-byte entries, ordered by time
 * then seq), same xorshift128 and same operation sequence as mbEqHold, so the checksum after the
 * first calls must equal the Wasm driver's.
 *
 * Run: ./micro-c PENDING CALLS OPS_PER_CALL
 * Prints: checksum-after-3-calls median-ops-per-wall-second median-ops-per-CPU-second */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  uint64_t time;
  uint32_t seq;
  uint32_t target;
} ev_t;

static ev_t *heap;
static uint32_t hsize, hseq;
static uint64_t now;
static uint32_t popped;
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
static inline void push(uint64_t time, uint32_t target) {
  uint32_t i = hsize++;
  uint32_t seq = hseq++;
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
static inline void pop(void) {
  now = heap[0].time;
  popped = heap[0].target;
  uint32_t n = --hsize;
  if (n == 0) return;
  ev_t last = heap[n];
  uint32_t i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(heap[c + 1].time, heap[c + 1].seq, heap[c].time, heap[c].seq)) c++;
    if (!before(heap[c].time, heap[c].seq, last.time, last.seq)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
}
static uint32_t hold(uint32_t n) {
  uint32_t x = 0;
  for (uint32_t i = 0; i < n; i++) {
    pop();
    uint32_t t = popped;
    x = (x * 31) ^ t;
    push(now + 1 + uni(1000000), t);
  }
  return x + hsize;
}
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s PENDING CALLS OPS_PER_CALL\n", argv[0]);
    return 2;
  }
  uint32_t pending = (uint32_t)atoi(argv[1]);
  int calls = atoi(argv[2]);
  uint32_t ops = (uint32_t)atoi(argv[3]);
  heap = malloc(sizeof(ev_t) * (pending + 16));
  double *rate = malloc(sizeof(double) * (size_t)calls);
  double *crate = malloc(sizeof(double) * (size_t)calls);
  if (!heap || !rate || !crate || calls < 3) return 1;
  for (uint32_t i = 0; i < pending; i++) push(uni(1000000), i);
  uint32_t check = 0;
  for (int c = 0; c < calls; c++) {
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    uint32_t x = hold(ops);
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
