// A process that contends for a results file's lock when its parent says so (see lock.test.ts).
// LOCK_MODULE may point at another build of the lock module (to check the test against it).
const mod = await import(process.env.LOCK_MODULE ?? new URL("../../dist/src/sweep/lock.js", import.meta.url).href);
let held = null;
process.on("message", (m) => {
  if (m.cmd === "take") {
    try {
      held = mod.lockResults(m.file);
      process.send({ won: true, pid: process.pid });
    } catch (e) {
      process.send({ won: false, pid: process.pid, name: e.name, error: e.message });
    }
  } else if (m.cmd === "release") {
    held?.release();
    held = null;
    process.send({ released: true });
  } else if (m.cmd === "exit") {
    process.exit(0);
  }
});
process.send({ ready: true });
