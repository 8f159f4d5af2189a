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
    if (proc.exitCode !== null) throw new Error(`duet-server exited with ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`duet-server did not listen on ${port}`);
}

// Returns { port, stop() }. `args` are extra --directive value pairs.
export async function startDuet(args = []) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duet-node-'));
  const proc = spawn(duetBin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, proc);
  return {
    port,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    }),
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
