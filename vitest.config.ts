// Test runner configuration. Tests live in test/, mirroring the source tree; `npm test` builds
// first (pretest), so tests run against the compiled Wasm in build/ and the host code in dist/
// where workers need plain JavaScript.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A fresh TMPDIR per run, removed afterwards (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Simulation tests are CPU-bound; two cores here, so at most two files at once.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
