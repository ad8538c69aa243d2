// Test runner configuration. Tests live in test/, mirroring the source tree; `npm test` builds
// first (pretest), so tests run against the compiled Wasm in build/ and the host code in dist/
// where workers need plain JavaScript.
//
// Two projects: every test on the release build, and the model's robustness and mechanism tests
// once more on the debug build (build/pvnetsim.debug.wasm: assertions on ring order, queue
// bounds, the job owner and packet conservation at every chunk end), selected for test/helpers.ts
// by PVNETSIM_TEST_WASM. An assertion that fails there fails the test with its message and the
// model source line.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A fresh TMPDIR per run, removed afterwards (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Simulation tests are CPU-bound; two cores here, so at most two files at once.
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "release", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "debug",
          include: [
            "test/model/robustness.test.ts",
            "test/model/mechanisms.test.ts",
            "test/model/credit.test.ts",
            "test/model/gro.test.ts",
            "test/model/dom0-tcp.test.ts",
          ],
          env: { PVNETSIM_TEST_WASM: "debug" },
        },
      },
    ],
  },
});
