// Shared-ring arithmetic (include/xen/interface/io/ring.h): free-running u32 indices, notify
// iff the peer's event index lies in the newly published range, and the final check that
// re-arms the event index before going idle. Driven through the Wasm module's own ring code.

import { beforeEach, describe, expect, it } from "vitest";
import { rawInstance } from "../helpers.js";

const REQ_PROD = 0, REQ_PROD_PVT = 1, RSP_PROD = 2, RSP_PROD_PVT = 3, REQ_CONS = 4, RSP_CONS = 5, REQ_EVENT = 6, RSP_EVENT = 7;
const NEAR_WRAP = 0xffff_fffe; // two steps before u32 wrap-around

let w: Record<string, any>;
const set = (which: number, v: number) => w.tRingSet(0, which, v >>> 0);
const get = (which: number) => w.dbgRing(0, which) >>> 0;

beforeEach(async () => {
  w = await rawInstance();
  w.tRingsInit(1);
});

describe("ring.h push-and-check-notify", () => {
  it("starts with event indices at 1 so the first message notifies", () => {
    expect(get(REQ_EVENT)).toBe(1);
    set(REQ_PROD_PVT, 1);
    expect(w.tRingPushRequests(0)).toBe(1);
  });

  it("notifies when req_event lies in (old, new] and suppresses otherwise, across wrap-around", () => {
    set(REQ_PROD, NEAR_WRAP);
    set(REQ_PROD_PVT, NEAR_WRAP + 4); // wraps to 2
    set(REQ_EVENT, NEAR_WRAP + 3); // = 1 after wrap: inside the pushed range
    expect(w.tRingPushRequests(0)).toBe(1);
    expect(get(REQ_PROD)).toBe(2);
    // The backend has not re-armed: the next push is suppressed.
    set(REQ_PROD_PVT, 5);
    expect(w.tRingPushRequests(0)).toBe(0);
    // Event exactly at the new producer index: notify (the range is (old, new]).
    set(REQ_EVENT, 7);
    set(REQ_PROD_PVT, 7);
    expect(w.tRingPushRequests(0)).toBe(1);
    // Event beyond the new index: suppressed.
    set(REQ_EVENT, 100);
    set(REQ_PROD_PVT, 9);
    expect(w.tRingPushRequests(0)).toBe(0);
  });

  it("applies the same rule to responses (backend -> frontend)", () => {
    set(RSP_PROD, NEAR_WRAP);
    set(RSP_EVENT, NEAR_WRAP + 1);
    set(RSP_PROD_PVT, NEAR_WRAP + 3);
    expect(w.tRingPushResponses(0)).toBe(1);
    set(RSP_PROD_PVT, NEAR_WRAP + 6);
    expect(w.tRingPushResponses(0)).toBe(0);
  });

  it("counts unconsumed requests across wrap-around, bounded by ring space", () => {
    set(REQ_CONS, NEAR_WRAP);
    set(RSP_PROD_PVT, NEAR_WRAP);
    set(REQ_PROD, NEAR_WRAP + 10);
    expect(w.tRingUnconsumedRequests(0)).toBe(10);
    // A frontend overrunning the ring cannot make the backend see more than RING_SIZE.
    set(REQ_PROD, NEAR_WRAP + 1000);
    expect(w.tRingUnconsumedRequests(0)).toBe(256);
  });
});

describe("ring.h final check", () => {
  it("re-arms req_event at cons + 1 when idle, so the next push notifies", () => {
    set(REQ_PROD, NEAR_WRAP + 1);
    set(REQ_CONS, NEAR_WRAP + 1);
    set(RSP_PROD_PVT, NEAR_WRAP + 1);
    set(REQ_EVENT, 12345);
    expect(w.tRingFinalCheckRequests(0)).toBe(0);
    expect(get(REQ_EVENT)).toBe((NEAR_WRAP + 2) >>> 0);
    set(REQ_PROD_PVT, NEAR_WRAP + 2);
    expect(w.tRingPushRequests(0)).toBe(1);
  });
  it("reports work without touching the event index when requests are pending", () => {
    set(REQ_PROD, 20);
    set(REQ_CONS, 18);
    set(RSP_PROD_PVT, 18);
    set(REQ_EVENT, 5);
    expect(w.tRingFinalCheckRequests(0)).toBe(1);
    expect(get(REQ_EVENT)).toBe(5);
  });
  it("frontend side: re-arms rsp_event and sees responses published meanwhile", () => {
    set(RSP_PROD, 30);
    set(RSP_CONS, 30);
    expect(w.tRingFinalCheckResponses(0)).toBe(0);
    expect(get(RSP_EVENT)).toBe(31);
    set(RSP_PROD_PVT, 31);
    expect(w.tRingPushResponses(0)).toBe(1);
    expect(w.tRingFinalCheckResponses(0)).toBe(1);
  });
});
