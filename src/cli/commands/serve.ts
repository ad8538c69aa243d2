// `pvnetsim serve [--port N] [--host ADDR]`: serves the demo page (dist/web/, built by
// scripts/build-web.mjs) on 127.0.0.1 with node:http, fit for a laptop on a shared network: only
// files really under the served directory, only requests naming this host (no DNS rebinding),
// strict content-security headers, and an error in one request never stops the server. Builds the
// page first when it is missing and the build script and esbuild are at hand (a source checkout);
// otherwise says how to build it.

import type { Command } from "commander";
import { createServer, type Server } from "node:http";
import { existsSync, realpathSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { extname, join, normalize, resolve, sep } from "node:path";
import { packageRoot as findPackageRoot } from "../../package-root.js";
import { action, UsageError } from "../errors.js";
import { intOption } from "../input.js";

/** Content types by extension; .wasm must be application/wasm for WebAssembly.compileStreaming. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

const HOST = "127.0.0.1";
const DEFAULT_PORT = 5170;

/** The package root (the page is dist/web/ there; a source checkout also has scripts/). */
const packageRoot = findPackageRoot();
export const DEFAULT_WEB_DIR = join(packageRoot, "dist", "web");

/** Builds the page when it is missing; throws with the command to run when it cannot. */
function ensureWebAssets(dir: string): void {
  if (existsSync(join(dir, "index.html"))) return;
  const script = join(packageRoot, "scripts", "build-web.mjs");
  const howTo = `run "npm run build" (or "node scripts/build-web.mjs") in ${packageRoot}`;
  if (dir !== DEFAULT_WEB_DIR) throw new UsageError(`--dir: ${dir} has no index.html; build the page there first`);
  if (!existsSync(script))
    throw new Error(
      `the demo page is not built (${dir} is missing) and scripts/build-web.mjs is not available; ${howTo}`,
    );
  process.stderr.write(`pvnetsim serve: ${dir} is missing; building it with scripts/build-web.mjs\n`);
  const r = spawnSync(process.execPath, [script], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0 || !existsSync(join(dir, "index.html")))
    throw new Error(`building the demo page failed; ${howTo}`);
}

/**
 * Headers on every response. The page runs its own scripts, compiles its own .wasm and starts its
 * own worker; nothing else: no inline script, no framing (clickjacking), no MIME sniffing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src " +
    "'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** Files larger than this are not served (the page's largest file is well under a megabyte). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The host name of a Host header, lower case, without the port ("[::1]:80" -> "[::1]"). */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(":");
  return colon < 0 ? h : h.slice(0, colon);
}

/** Host names a request may name: the loopback names and the address listened on. */
function allowedHosts(listenHost: string): Set<string> {
  const h = listenHost.toLowerCase();
  return new Set(["127.0.0.1", "localhost", "[::1]", h.includes(":") && !h.startsWith("[") ? `[${h}]` : h]);
}

/** HTTP status for a file-system error while answering a request. */
function statusOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "ENAMETOOLONG") return 404;
  if (code === "EACCES" || code === "EPERM") return 403;
  return 500;
}

const REASONS: Readonly<Record<number, string>> = {
  400: "bad request",
  403: "forbidden",
  404: "not found",
  405: "method not allowed",
  421: "misdirected request",
  500: "internal error",
};

/**
 * Serves the files under `dir`; resolves once listening. Only GET and HEAD; no directory listings;
 * only files whose real path (symlinks resolved) lies under the real path of `dir`; only requests
 * whose Host names this server (DNS rebinding). A failure answers that request, never ends the server.
 */
export function startServer(dir: string, port: number, listenHost: string = HOST): Promise<Server> {
  const root = resolve(dir);
  const realRoot = realpathSync(root);
  const hosts = allowedHosts(listenHost);
  const within = (p: string, base: string): boolean =>
    p === base || p.startsWith(base.endsWith(sep) ? base : base + sep);
  const server = createServer((req, res) => {
    const send = (code: number, text: string = REASONS[code] ?? "error"): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(code, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : text + "\n");
    };
    const answer = async (): Promise<void> => {
      const host = req.headers.host;
      if (host === undefined || !hosts.has(hostOf(host)))
        return send(421, `misdirected request: this server answers to ${[...hosts].join(", ")}`);
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        return send(405);
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
      } catch {
        return send(400);
      }
      if (path.includes("\0")) return send(400);
      if (path.endsWith("/")) path += "index.html";
      const file = normalize(join(root, path));
      if (!within(file, root)) return send(403);
      // Symlinks are followed only as far as the served directory: the real path must stay in it.
      const real = await realpath(file);
      if (!within(real, realRoot)) return send(403);
      const st = await stat(real);
      if (!st.isFile()) return send(404);
      if (st.size > MAX_FILE_BYTES) return send(500, "file too large to serve");
      // Read whole before answering, so that a read error is a clean 500 rather than a cut-off 200.
      const body = req.method === "HEAD" ? null : await readFile(real);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": MIME_TYPES[extname(real).toLowerCase()] ?? "application/octet-stream",
        "Content-Length": body ? body.length : st.size,
        "Cache-Control": "no-cache",
      });
      res.end(body ?? undefined);
    };
    answer().catch((e: unknown) => {
      try {
        send(statusOf(e));
      } catch {
        res.destroy();
      }
    });
  });
  // A malformed request or a reset connection concerns that connection only.
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  return new Promise((resolveListen, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? new UsageError(`--port: ${port} is in use on ${listenHost}; pick another port (0 = any free port)`)
          : e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND"
            ? new UsageError(`--host: "${listenHost}" is not an address of this machine; expected e.g. 127.0.0.1`)
            : e,
      ),
    );
    server.listen(port, listenHost, () => resolveListen(server));
  });
}

interface ServeOpts {
  port?: string;
  host?: string;
  dir?: string;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the demo page (run simulations in the browser) on 127.0.0.1")
    .option("--port <n>", `TCP port (0 = any free port; default ${DEFAULT_PORT})`)
    .option(
      "--host <address>",
      `address to listen on, and the one host name besides localhost that requests may name (default ${HOST})`,
    )
    .option("--dir <path>", "directory of a built page (default: the package's dist/web)")
    .action(
      action(async (o: ServeOpts) => {
        const port = intOption("--port", o.port) ?? DEFAULT_PORT;
        if (port > 65535) throw new UsageError(`--port: ${port} is not allowed; expected an integer from 0 to 65535`);
        const dir = o.dir === undefined ? DEFAULT_WEB_DIR : resolve(o.dir);
        ensureWebAssets(dir);
        const host = o.host ?? HOST;
        if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(host))
          throw new UsageError(
            `--host: ${JSON.stringify(host.slice(0, 80))} is not allowed; expected an address or host name such ` +
              `as 127.0.0.1`,
          );
        const server = await startServer(dir, port, host);
        const addr = server.address();
        const actual = addr !== null && typeof addr === "object" ? addr.port : port;
        const shown = host.includes(":") ? `[${host}]` : host;
        process.stdout.write(`pvnetsim serve: http://${shown}:${actual}/ (serving ${dir}; Ctrl-C to stop)\n`);
        const stop = (): void => {
          server.close();
          server.closeAllConnections();
          process.exit(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      }),
    );
}
