// The BullMQ side of bench/bullmq.py: one phase per invocation, against a server already
// listening on 127.0.0.1:--port, with the bullmq package pinned in tests/node (its
// node_modules, `npm ci` there first). Prints one JSON line: the phase's jobs, wall seconds,
// the server's CPU seconds across exactly that interval (utime+stime of --server-pid from
// /proc, read by this process at the phase's start and end) and this process's own CPU.
//
//   node bench/bullmq/client.mjs add --port P --server-pid PID --jobs N [--size B] [--inflight K]
//   node bench/bullmq/client.mjs process --port P --server-pid PID --jobs N [--workers 4]
//        [--concurrency 50]
//
// add: N `Queue.add` calls, at most --inflight awaiting their reply at once, each job's data
// a --size-byte string. process: --workers Workers of --concurrency each with a no-op
// processor, from their creation until N jobs completed (a failed job, or no progress for
// 60 s, ends the run with exit status 1).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'tests', 'node', 'package.json'));
const { Queue, Worker } = require('bullmq');

const QUEUE = 'bench';
const STALL_MS = 60000;

function parseArgs(argv) {
  const o = { phase: argv[0], size: 16, inflight: 50, workers: 4, concurrency: 50 };
  for (let i = 1; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase());
    o[key] = Number(argv[i + 1]);
  }
  for (const k of ['port', 'serverPid', 'jobs']) {
    if (!Number.isFinite(o[k])) throw new Error(`missing --${k}`);
  }
  return o;
}

const CLK_TCK = 100;  // USER_HZ on Linux
function serverCpu(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function clientCpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function addJobs(o, connection) {
  const queue = new Queue(QUEUE, { connection });
  await queue.waitUntilReady();
  const data = { payload: 'x'.repeat(o.size) };
  const t0 = performance.now(), cpu0 = serverCpu(o.serverPid), c0 = clientCpu();
  let next = 0;
  async function lane() {
    while (next < o.jobs) {
      next++;
      await queue.add('job', data);
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.inflight, o.jobs) }, lane));
  const r = finish(o, t0, cpu0, c0);
  const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed');
  await queue.close();
  if (counts.wait !== o.jobs) throw new Error(`${counts.wait} jobs waiting, expected ${o.jobs}`);
  return r;
}

async function processJobs(o, connection) {
  let completed = 0, failed = null, lastProgress = Date.now();
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  const t0 = performance.now(), cpu0 = serverCpu(o.serverPid), c0 = clientCpu();
  const workers = [];
  for (let w = 0; w < o.workers; w++) {
    const worker = new Worker(QUEUE, async () => {}, { connection, concurrency: o.concurrency });
    worker.on('completed', () => {
      completed++;
      lastProgress = Date.now();
      if (completed === o.jobs) resolveDone();
    });
    worker.on('failed', (job, err) => { failed = err; resolveDone(); });
    worker.on('error', (err) => { failed = err; resolveDone(); });
    workers.push(worker);
  }
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress > STALL_MS) {
      failed = new Error(`no job completed for ${STALL_MS} ms (${completed} of ${o.jobs})`);
      resolveDone();
    }
  }, 1000);
  await done;
  const r = finish(o, t0, cpu0, c0);
  clearInterval(watchdog);
  await Promise.all(workers.map((w) => w.close()));
  if (failed) throw failed;
  return r;
}

function finish(o, t0, cpu0, c0) {
  return {
    phase: o.phase,
    jobs: o.jobs,
    seconds: (performance.now() - t0) / 1000,
    server_cpu_s: serverCpu(o.serverPid) - cpu0,
    client_cpu_s: clientCpu() - c0,
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const connection = { host: '127.0.0.1', port: o.port, maxRetriesPerRequest: null };
  const phases = { add: addJobs, process: processJobs };
  if (!phases[o.phase]) throw new Error(`unknown phase ${o.phase} (add or process)`);
  const r = await phases[o.phase](o, connection);
  process.stdout.write(JSON.stringify(r) + '\n');
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`bullmq client: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
