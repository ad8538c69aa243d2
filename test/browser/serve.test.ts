// `pvnetsim serve`'s static server: MIME types (application/wasm for compileStreaming), only
// files really under the served directory (symlinks included), only GET and HEAD, only requests
// naming this host, security headers on every answer, and a failed request that does not stop it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import { request } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_WEB_DIR, startServer } from "../../dist/src/cli/commands/serve.js";

let server: Server | null = null;
let port = 0;

const portOf = (s: Server): number => {
  const addr = s.address();
  return typeof addr === "object" && addr ? addr.port : 0;
};

beforeAll(async () => {
  server = await startServer(DEFAULT_WEB_DIR, 0);
  port = portOf(server);
});
afterAll(() => server?.close());

interface Answer {
  status: number;
  type: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request (no URL normalisation, so "../" reaches the server as sent). */
function get(path: string, method = "GET", opts: { port?: number; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = opts.host !== undefined ? { Host: opts.host } : undefined;
    const req = request({ host: "127.0.0.1", port: opts.port ?? port, path, method, ...(headers ? { headers } : {}) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

it("serves the page with the right content types", async () => {
  const types = async (p: string, m = "GET") => {
    const a = await get(p, m);
    return { status: a.status, type: a.type };
  };
  expect(await types("/")).toEqual({ status: 200, type: "text/html; charset=utf-8" });
  expect(await types("/app.js")).toEqual({ status: 200, type: "text/javascript; charset=utf-8" });
  expect(await types("/worker.js")).toEqual({ status: 200, type: "text/javascript; charset=utf-8" });
  expect(await types("/style.css")).toEqual({ status: 200, type: "text/css; charset=utf-8" });
  expect(await types("/pvnetsim.wasm")).toEqual({ status: 200, type: "application/wasm" });
  expect((await get("/pvnetsim.wasm", "HEAD")).status).toBe(200);
});

it("serves nothing outside its directory and only GET/HEAD", async () => {
  expect((await get("/../../package.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/%2e%2e/%2e%2e/package.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/..%2f..%2fpackage.json")).status).toBeGreaterThanOrEqual(403);
  expect((await get("/missing.js")).status).toBe(404);
  expect((await get("/", "POST")).status).toBe(405);
});

it("sets a content security policy, nosniff and frame-ancestors on every answer", async () => {
  for (const a of [await get("/"), await get("/pvnetsim.wasm"), await get("/missing.js"), await get("/", "POST")]) {
    const csp = String(a.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(a.headers["x-content-type-options"]).toBe("nosniff");
    expect(a.headers["x-frame-options"]).toBe("DENY");
  }
});

it("answers only requests that name this host (no DNS rebinding)", async () => {
  expect((await get("/", "GET", { host: `127.0.0.1:${port}` })).status).toBe(200);
  expect((await get("/", "GET", { host: `localhost:${port}` })).status).toBe(200);
  expect((await get("/", "GET", { host: "LOCALHOST" })).status).toBe(200);
  for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.evil.example:${port}`, "localhost.evil.example", "10.0.0.7"]) {
    const a = await get("/", "GET", { host });
    expect(a.status, host).toBe(421);
    expect(a.body).not.toContain("<html");
  }
});

describe("with a served directory of its own", () => {
  let dir: string;
  let outside: string;
  let own: Server;
  let ownPort = 0;

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), "pvnetsim-serve-"));
    dir = join(base, "site");
    outside = join(base, "secret.txt");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>\n");
    writeFileSync(join(dir, "sub", "a.txt"), "inside\n");
    writeFileSync(outside, "outside the served directory\n");
    symlinkSync(outside, join(dir, "secret.txt"));
    symlinkSync("/etc", join(dir, "etc"));
    symlinkSync(join(dir, "sub", "a.txt"), join(dir, "inner.txt"));
    own = await startServer(dir, 0, "localhost");
    ownPort = portOf(own);
  });
  afterAll(() => {
    own?.close();
    rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it("refuses symlinks that lead out of the served directory, follows those that stay in it", async () => {
    const secret = await get("/secret.txt", "GET", { port: ownPort });
    expect(secret.status).toBe(403);
    expect(secret.body).not.toContain("outside");
    expect((await get("/etc/passwd", "GET", { port: ownPort })).status).toBe(403);
    expect((await get("/etc/hostname", "GET", { port: ownPort })).status).toBe(403);
    const inner = await get("/inner.txt", "GET", { port: ownPort });
    expect(inner.status).toBe(200);
    expect(inner.body).toBe("inside\n");
  });

  it("a file that cannot be read is a 500 for that request; the server goes on", async () => {
    // /proc/PID/mem exists and stats as a regular file but reading it at offset 0 fails (EIO).
    const proc = await startServer("/proc/self", 0);
    try {
      const p = portOf(proc);
      const a = await get("/mem", "GET", { port: p });
      expect(a.status).toBe(500);
      expect(a.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect((await get("/mem", "GET", { port: p })).status).toBe(500);
      expect((await get("/status", "GET", { port: p })).status).toBe(200);
    } finally {
      proc.close();
    }
  });

  it("answers to the --host name it was given", async () => {
    expect((await get("/", "GET", { port: ownPort, host: `localhost:${ownPort}` })).status).toBe(200);
    expect((await get("/", "GET", { port: ownPort, host: "attacker.example" })).status).toBe(421);
  });
});
