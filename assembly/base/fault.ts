// Model faults: one flag the engine loop tests after every event instead of each part's own.
//
// Models: nothing physical. A full event queue (eventq.ts), an empty packet pool (packet.ts), a
// full work list (fifo.ts) and a failed invariant (cpu/account.ts) each keep their own flag,
// which names the error the run stops with; each also raises this one, so the event loop looks
// at one flag per event instead of four (then reads the four to name the error). The flag is
// only ever raised: a run whose flag is up either stops with the error or finds none set and
// goes on, as it would have without the flag.

/** Some part of the model recorded a fault (its own flag says which). */
export let modelFault: bool = false;

/** Records that a fault flag was set. */
// @ts-ignore: decorator
@inline export function faultRaise(): void {
  modelFault = true;
}
