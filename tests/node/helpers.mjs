// Starts duet-server on a free loopback port for a test and stops it by PID afterwards.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
export const duetBin =
  process.env.DUET_BIN || path.join(here, '..', '..', 'build', 'release', 'duet-server');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port, proc, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the server did not listen on ${port}`);
}

// Returns { port, stop() }. `args` are extra --directive value pairs.
export async function startDuet(args = []) {
  const server = await startServer({ args });
  return { port: server.port, stop: server.stop };
}

export const repoRoot = path.join(here, '..', '..');

// The server the kit tests run against: duet-server, or redis-server 7.0.15 (the oracle) when
// TEST_SERVER=redis (REDIS_SERVER_BIN names its binary; default `redis-server` on PATH).
export const oracleRun = process.env.TEST_SERVER === 'redis';
const serverBin = oracleRun ? (process.env.REDIS_SERVER_BIN || 'redis-server') : duetBin;

// Starts the server under test on a free loopback port in a fresh temporary directory (or
// `dir`), with `config` (a path, e.g. deploy/queue.conf) first and `args` (--directive value
// pairs) after it. redis-server gets the config file without duet's own metrics-* directives.
// Returns { port, dir, pid(), stop(), kill9(), restart() }: restart() starts it again on the
// same port and directory after kill9, as an operator's restart would; stop() ends it and
// removes the directory when startServer made it.
export async function startServer({ config, args = [], dir } = {}) {
  const port = await freePort();
  const ownDir = !dir;
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'duet-node-'));
  let configPath = config;
  if (config && oracleRun) {
    const text = fs.readFileSync(config, 'utf8').split('\n')
      .filter((line) => !/^\s*metrics-/.test(line)).join('\n');
    configPath = path.join(dir, 'oracle.conf');
    fs.writeFileSync(configPath, text);
  }
  const argv = [...(configPath ? [configPath] : []), '--port', String(port), '--bind', '127.0.0.1',
    '--dir', dir, ...(oracleRun && !config ? ['--save', '', '--appendonly', 'no'] : []), ...args];
  let proc;
  const launch = async () => {
    proc = spawn(serverBin, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitForPort(port, proc, 60000);
  };
  const exited = () => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
  });
  await launch();
  return {
    port,
    dir,
    pid: () => proc.pid,
    stop: async () => {
      const done = exited();
      proc.kill('SIGTERM');
      await done;
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
    kill9: async () => { const done = exited(); proc.kill('SIGKILL'); await done; },
    restart: launch,
  };
}

// Resolves as `promise` does, or rejects after `ms` naming `what`: a missing wake-up fails
// loudly instead of hanging the test.
export function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Resolves once `pred()` holds, checked now and after each event of `emitter` named in `names`;
// rejects after `ms` naming `what`.
export function until(emitter, names, pred, what, ms = 15000) {
  let check;
  return within(ms, new Promise((resolve) => {
    check = () => {
      if (!pred()) return;
      resolve();
    };
    for (const n of names) emitter.on(n, check);
    check();
  }), what).finally(() => { for (const n of names) emitter.off(n, check); });
}
