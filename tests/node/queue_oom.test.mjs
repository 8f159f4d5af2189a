// The queue instance full (deploy/queue.conf: noeviction, its maxmemory lowered to 2 MB above
// the empty server's usage, then just under the usage once the first add is refused): Queue.add rejects with Redis's OOM error (raised inside BullMQ's
// add script), every job stored before is still there and nothing is evicted. While memory is
// over the limit a worker cannot take a job either (moving a job to active starts with a write
// that may grow memory; redis-server 7.0.15 refuses it the same way), nor can queue.clean, but
// removing jobs one by one works (job.remove, queue.remove; queue.drain too); once memory is
// back under the limit, adds succeed again and a worker processes the queue empty. With TEST_SERVER=redis the same test runs against
// redis-server (see helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { withQueue } from './bullmq_helpers.mjs';
import { repoRoot, startServer, until } from './helpers.mjs';

const OOM = /^OOM command not allowed when used memory > 'maxmemory'\. script: [0-9a-f]{40}, on @user_script:\d+\.$/;

let server;
let connection;
before(async () => {
  server = await startServer({ config: path.join(repoRoot, 'deploy', 'queue.conf') });
  connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
});
after(async () => { await server?.stop(); });

async function info(client, section) {
  const out = {};
  for (const line of (await client.info(section)).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

test('a full queue instance rejects Queue.add with OOM, loses nothing, and recovers',
  async (t) => {
    await withQueue(connection, 'full', async ({ queue, closers }) => {
      const client = await queue.client;
      const mem = await info(client, 'memory');
      if (!mem.mem_allocator.startsWith('jemalloc')) {
        // Sanitizer builds: used_memory is the RSS, which removing jobs does not lower.
        t.skip('needs jemalloc\'s memory accounting');
        return;
      }
      assert.equal(mem.maxmemory_policy, 'noeviction');
      const limit = Number(mem.used_memory) + 2 * 1024 * 1024;
      assert.equal(await client.config('SET', 'maxmemory', String(limit)), 'OK');

      const payload = 'x'.repeat(1024);
      const added = [];
      let rejection;
      while (added.length < 100000) {
        try {
          added.push((await queue.add('job', { payload, n: added.length })).id);
        } catch (err) {
          rejection = err;
          break;
        }
      }
      assert.ok(rejection, 'no add was refused');
      assert.match(rejection.message, OOM);
      assert.ok(added.length > 100, `only ${added.length} jobs fit`);
      // At the limit, freed buffers can let one more add through: the limit goes 64 KB below
      // the usage now, so every add is refused until jobs are removed.
      const full = Number((await info(client, 'memory')).used_memory);
      assert.equal(await client.config('SET', 'maxmemory', String(full - 64 * 1024)), 'OK');
      for (let i = 0; i < 3; i++) await assert.rejects(queue.add('job', { payload }), { message: OOM });

      // Nothing stored is lost or evicted.
      assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'failed'),
        { waiting: added.length, paused: 0, active: 0, failed: 0 });
      assert.equal((await info(client, 'stats')).evicted_keys, '0');
      const first = await queue.getJob(added[0]);
      assert.deepEqual(first.data, { payload, n: 0 });

      // Removing jobs one by one works over the limit (job.remove's script starts with a
      // delete); queue.clean does not (its first write may grow memory: refused, as by Redis).
      await assert.rejects(queue.clean(0, 10, 'wait'), { message: OOM });
      const half = Math.floor(added.length / 2);
      for (const id of added.slice(0, half)) await queue.remove(id);
      const remaining = added.length - half;
      assert.equal(await queue.getWaitingCount(), remaining);
      assert.equal(await queue.getJob(added[0]), undefined);
      const more = [];
      for (let i = 0; i < 10; i++) more.push((await queue.add('job', { payload, n: -1 })).id);

      // A worker processes (and removes) every job; then there is room again.
      const w = new Worker('full', async (job) => job.data.n, { connection,
        removeOnComplete: { count: 0 }, concurrency: 4 });
      closers.push(w);
      let done = 0;
      w.on('completed', () => done++);
      await until(w, ['completed'], () => done === remaining + more.length, 'every job processed');
      assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed', 'failed'),
        { waiting: 0, paused: 0, active: 0, completed: 0, failed: 0 });
      await w.close();
      const again = Math.floor(half / 2);
      for (let i = 0; i < again; i++) await queue.add('job', { payload, n: i });
      assert.equal(await queue.getWaitingCount(), again);
      assert.equal((await info(client, 'stats')).evicted_keys, '0');
      assert.equal(await client.config('SET', 'maxmemory', '256mb'), 'OK');
    });
  });
