// `pvnetsim serve`'s static server: MIME types (application/wasm for compileStreaming), only
// files under the served directory, only GET and HEAD.

import { afterAll, beforeAll, expect, it } from "vitest";
import type { Server } from "node:http";
import { request } from "node:http";
import { DEFAULT_WEB_DIR, startServer } from "../../dist/src/cli/commands/serve.js";

let server: Server | null = null;
let port = 0;

beforeAll(async () => {
  server = await startServer(DEFAULT_WEB_DIR, 0);
  const addr = server.address();
  port = typeof addr === "object" && addr ? addr.port : 0;
});
afterAll(() => server?.close());

/** A raw request (no URL normalisation, so "../" reaches the server as sent). */
function get(path: string, method = "GET"): Promise<{ status: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] }));
    });
    req.on("error", reject);
    req.end();
  });
}

it("serves the page with the right content types", async () => {
  expect(await get("/")).toEqual({ status: 200, type: "text/html; charset=utf-8" });
  expect(await get("/app.js")).toEqual({ status: 200, type: "text/javascript; charset=utf-8" });
  expect(await get("/worker.js")).toEqual({ status: 200, type: "text/javascript; charset=utf-8" });
  expect(await get("/style.css")).toEqual({ status: 200, type: "text/css; charset=utf-8" });
  expect(await get("/pvnetsim.wasm")).toEqual({ status: 200, type: "application/wasm" });
  expect((await get("/pvnetsim.wasm", "HEAD")).status).toBe(200);
});

it("serves nothing outside its directory and only GET/HEAD", async () => {
  expect((await get("/../../package.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/%2e%2e/%2e%2e/package.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/..%2f..%2fpackage.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/missing.js")).status).toBe(404);
  expect((await get("/", "POST")).status).toBe(405);
});
