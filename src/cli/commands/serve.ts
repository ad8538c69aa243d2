// `pvnetsim serve [--port N]`: serves the demo page (dist/web/, built by scripts/build-web.mjs)
// on 127.0.0.1 with node:http. Builds the page first when it is missing and the build script and
// esbuild are at hand (a source checkout); otherwise says how to build it.

import type { Command } from "commander";
import { createServer, type Server } from "node:http";
import { existsSync, createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
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

/** The package root (dist/src/cli/commands/serve.js -> ../../../..). */
const packageRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const DEFAULT_WEB_DIR = join(packageRoot, "dist", "web");

/** Builds the page when it is missing; throws with the command to run when it cannot. */
function ensureWebAssets(dir: string): void {
  if (existsSync(join(dir, "index.html"))) return;
  const script = join(packageRoot, "scripts", "build-web.mjs");
  const howTo = `run "npm run build" (or "node scripts/build-web.mjs") in ${packageRoot}`;
  if (dir !== DEFAULT_WEB_DIR) throw new UsageError(`--dir: ${dir} has no index.html; build the page there first`);
  if (!existsSync(script)) throw new Error(`the demo page is not built (${dir} is missing) and scripts/build-web.mjs is not available; ${howTo}`);
  process.stderr.write(`pvnetsim serve: ${dir} is missing; building it with scripts/build-web.mjs\n`);
  const r = spawnSync(process.execPath, [script], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0 || !existsSync(join(dir, "index.html"))) throw new Error(`building the demo page failed; ${howTo}`);
}

/** Serves the files under `dir`; resolves once listening. Only GET and HEAD; no directory listings. */
export function startServer(dir: string, port: number): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const send = (code: number, text: string): void => {
      res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      res.end(req.method === "HEAD" ? undefined : text + "\n");
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return send(405, "method not allowed");
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad request");
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(403, "forbidden");
    void stat(file).then(
      (st) => {
        if (!st.isFile()) return send(404, "not found");
        res.writeHead(200, {
          "Content-Type": MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
          "Content-Length": st.size,
          "Cache-Control": "no-cache",
          "X-Content-Type-Options": "nosniff",
        });
        if (req.method === "HEAD") return res.end();
        createReadStream(file).pipe(res);
      },
      () => send(404, "not found"),
    );
  });
  return new Promise((resolveListen, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "EADDRINUSE" ? new UsageError(`--port: ${port} is in use on ${HOST}; pick another port (0 = any free port)`) : e),
    );
    server.listen(port, HOST, () => resolveListen(server));
  });
}

interface ServeOpts {
  port?: string;
  dir?: string;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the demo page (run simulations in the browser) on 127.0.0.1")
    .option("--port <n>", `TCP port (0 = any free port; default ${DEFAULT_PORT})`)
    .option("--dir <path>", "directory of a built page (default: the package's dist/web)")
    .action(
      action(async (o: ServeOpts) => {
        const port = intOption("--port", o.port) ?? DEFAULT_PORT;
        if (port > 65535) throw new UsageError(`--port: ${port} is not allowed; expected an integer from 0 to 65535`);
        const dir = o.dir === undefined ? DEFAULT_WEB_DIR : resolve(o.dir);
        ensureWebAssets(dir);
        const server = await startServer(dir, port);
        const addr = server.address();
        const actual = addr !== null && typeof addr === "object" ? addr.port : port;
        process.stdout.write(`pvnetsim serve: http://${HOST}:${actual}/ (serving ${dir}; Ctrl-C to stop)\n`);
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
