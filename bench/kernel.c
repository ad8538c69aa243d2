/* Kernel benchmark (docs/bench-kernel.md) in C: the reference the Wasm kernel is measured
 * against. Same model, same binary min-heap layout as assembly/base/eventq.ts (16-byte entries:
 * u64 time, u32 seq, u32 target; ordered by time then seq), same station rings.
 *
 * Build: gcc -O2 -o kernel bench/kernel.c      (bench/kernel-run.ts does this itself)
 * Run:   ./kernel S N [reps]
 * Prints one line per rep: S N wall-seconds csum latsum completed drops cpu-seconds
 * Timing covers init(S) and the N events, not process start-up; cpu-seconds is this process's CPU
 * time over the same span (CLOCK_PROCESS_CPUTIME_ID), robust when other work shares the cores. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eventq.h"

#define STATIONS 4u
#define STATION_CAP 32u

static uint64_t *st_birth;
static uint32_t *st_head, *st_cnt;
static uint64_t csum, latsum, completed, drops;

static inline uint64_t service(void) { return (1 + (uint64_t)uni(12000)) * 1000; }

static inline void enqueue(uint32_t s, uint32_t st, uint64_t birth, uint64_t t) {
  uint32_t q = s * STATIONS + st;
  uint32_t cnt = st_cnt[q];
  if (cnt == STATION_CAP) {
    drops++;
    return;
  }
  st_birth[q * STATION_CAP + ((st_head[q] + cnt) & (STATION_CAP - 1))] = birth;
  st_cnt[q] = cnt + 1;
  if (cnt == 0) push(t + service(), (s << 3) | (st + 1));
}

static void init(uint32_t S) {
  rx = 123456789u;
  ry = 362436069u;
  rz = 521288629u;
  rw = 88675123u;
  hsize = 0;
  hseq = 0;
  top_taken = 0;
  memset(st_head, 0, sizeof(uint32_t) * S * STATIONS);
  memset(st_cnt, 0, sizeof(uint32_t) * S * STATIONS);
  csum = latsum = completed = drops = 0;
  for (uint32_t s = 0; s < S; s++) push(uni(2000000), s << 3);
}

static void run(uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    ev_t e = pop();
    uint64_t t = e.time;
    uint32_t s = e.target >> 3, k = e.target & 7;
    if (k == 0) {
      uint32_t size = 64 + uni(1455);
      uint64_t gap = (uint64_t)(size + 20) * 8000 + uni(2000000);
      push(t + gap, s << 3);
      enqueue(s, 0, t, t);
    } else {
      uint32_t st = k - 1, q = s * STATIONS + st;
      uint64_t birth = st_birth[q * STATION_CAP + (st_head[q] & (STATION_CAP - 1))];
      st_head[q]++;
      uint32_t cnt = --st_cnt[q];
      if (st < STATIONS - 1) {
        enqueue(s, st + 1, birth, t);
      } else {
        completed++;
        csum += t;
        latsum += t - birth;
      }
      if (cnt > 0) push(t + service(), e.target);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s S N [reps]\n", argv[0]);
    return 2;
  }
  uint32_t S = (uint32_t)strtoul(argv[1], 0, 10);
  uint64_t N = strtoull(argv[2], 0, 10);
  int reps = argc > 3 ? atoi(argv[3]) : 1;
  heap = malloc(sizeof(ev_t) * (S * 5 + 16));
  st_birth = malloc(sizeof(uint64_t) * S * STATIONS * STATION_CAP);
  st_head = malloc(sizeof(uint32_t) * S * STATIONS);
  st_cnt = malloc(sizeof(uint32_t) * S * STATIONS);
  if (!heap || !st_birth || !st_head || !st_cnt) return 1;
  for (int r = 0; r < reps; r++) {
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    init(S);
    run(N);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double sec = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    double cpu = (double)(cb.tv_sec - ca.tv_sec) + 1e-9 * (double)(cb.tv_nsec - ca.tv_nsec);
    printf("%u %llu %.9f %llu %llu %llu %llu %.9f\n", S, (unsigned long long)N, sec, (unsigned long long)csum,
           (unsigned long long)latsum, (unsigned long long)completed, (unsigned long long)drops, cpu);
    fflush(stdout);
  }
  return 0;
}
