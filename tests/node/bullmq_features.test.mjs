// The BullMQ features users rely on, through the queue instance (deploy/queue.conf): rate
// limiter, pause/resume of the queue and of a worker, stalled-job recovery after a worker
// process is killed, clean by state and grace, drain, obliterate, job counts and listings by
// state, removeOnComplete/removeOnFail by count and age, progress and updateData, job.remove,
// retrying failed jobs, lifo, repeat with every/limit, and deduplication. Outcomes are asserted
// exactly (counts, ids, orders, states, error texts), never durations; with TEST_SERVER=redis
// the same file runs against redis-server 7.0.15 (see helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { pollUntil, withQueue as withSharedQueue } from './bullmq_helpers.mjs';
import Redis from 'ioredis';
import { repoRoot, startServer, until, within } from './helpers.mjs';

const WAIT_MS = 15000;
const here = path.dirname(fileURLToPath(import.meta.url));

let server;
let connection;
let admin;
before(async () => {
  server = await startServer({ config: path.join(repoRoot, 'deploy', 'queue.conf') });
  connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
  admin = new Redis({ host: '127.0.0.1', port: server.port });
});
after(async () => {
  admin?.disconnect();
  await server?.stop();
});

// A promise with its resolve function, to hold a job in a worker until the test releases it.
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

// withQueue, and no key of the queue is left afterwards.
async function withQueue(name, body) {
  await withSharedQueue(connection, name, body);
  assert.deepEqual(await admin.keys(`bull:${name}:*`), []);
}

function worker(name, fn, opts = {}) {
  return new Worker(name, fn, { connection, ...opts });
}

// Counts the worker's 'completed' events; `done.ids` in completion order.
function completions(w) {
  const done = { ids: [], names: [] };
  w.on('completed', (job) => { done.ids.push(job.id); done.names.push(job.name); });
  return done;
}

const ALL_STATES = ['active', 'completed', 'delayed', 'failed', 'paused', 'prioritized',
  'waiting', 'waiting-children'];

test('rate limiter: max jobs per duration, the rest wait while the limit holds', async () => {
  await withQueue('feat-limiter', async ({ queue, closers }) => {
    for (let i = 0; i < 5; i++) await queue.add('limited', { i });
    const w = worker('feat-limiter', async (job) => job.data.i,
      { limiter: { max: 3, duration: 4000 } });
    closers.push(w);
    const done = completions(w);
    await until(w, ['completed'], () => done.ids.length === 3, 'the first three jobs');
    // The limiter's window is still open: the other two wait and the limit's TTL is set.
    assert.ok(await queue.getRateLimitTtl() > 0);
    assert.deepEqual(await queue.getJobCounts('completed', 'waiting', 'active'),
      { completed: 3, waiting: 2, paused: 0, active: 0 });
    await until(w, ['completed'], () => done.ids.length === 5, 'the last two jobs', 20000);
    assert.deepEqual(await queue.getJobCounts('completed', 'waiting'),
      { completed: 5, waiting: 0, paused: 0 });
    // The limiter's key outlives obliterate (it expires by itself).
    assert.equal(await queue.removeRateLimitKey(), 1);
  });
});

test('pause and resume: the queue, then a worker', async () => {
  await withQueue('feat-pause', async ({ queue, events, closers }) => {
    const seen = [];
    events.on('paused', () => seen.push('paused'));
    events.on('resumed', () => seen.push('resumed'));
    await queue.pause();
    assert.equal(await queue.isPaused(), true);
    for (let i = 0; i < 3; i++) await queue.add('p', { i });
    assert.deepEqual(await queue.getJobCounts('waiting', 'paused', 'active'),
      { waiting: 0, paused: 3, active: 0 });
    assert.equal(await queue.getWaitingCount(), 3);  // waiting + paused
    const w = worker('feat-pause', async (job) => job.data.i);
    closers.push(w);
    const done = completions(w);
    await within(WAIT_MS, w.waitUntilReady(), 'worker ready');
    await queue.resume();
    assert.equal(await queue.isPaused(), false);
    await until(w, ['completed'], () => done.ids.length === 3, 'jobs after queue.resume()');
    await until(events, ['paused', 'resumed'], () => seen.length === 2, 'paused/resumed events');
    assert.deepEqual(seen, ['paused', 'resumed']);

    // A paused worker takes no job; the queue is not paused.
    await w.pause();
    assert.equal(w.isPaused(), true);
    assert.equal(await queue.isPaused(), false);
    for (let i = 3; i < 5; i++) await queue.add('p', { i });
    assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed'),
      { waiting: 2, paused: 0, active: 0, completed: 3 });
    w.resume();
    await until(w, ['completed'], () => done.ids.length === 5, 'jobs after worker.resume()');
    assert.deepEqual(await queue.getJobCounts('waiting', 'completed'),
      { waiting: 0, paused: 0, completed: 5 });
  });
});

test('a job whose worker process is killed is recovered as stalled by another worker',
  async () => {
    await withQueue('feat-stalled', async ({ queue, events, closers }) => {
      const stalled = [];
      events.on('stalled', ({ jobId }) => stalled.push(jobId));
      const job = await queue.add('long', { n: 7 });
      const child = spawn(process.execPath, [path.join(here, 'fixtures', 'worker-process.mjs'),
        'feat-stalled', String(server.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const lines = readline.createInterface({ input: child.stdout });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await within(WAIT_MS, new Promise((resolve) => {
          lines.on('line', (line) => { if (line === `active ${job.id}`) resolve(); });
        }), 'the worker process taking the job');
        assert.equal(await job.getState(), 'active');
      } finally {
        child.kill('SIGKILL');
        await exited;
      }

      const rescuer = worker('feat-stalled', async (j) => ({ rescued: j.data.n }),
        { stalledInterval: 300, lockDuration: 1000 });
      closers.push(rescuer);
      const done = completions(rescuer);
      await until(rescuer, ['completed'], () => done.ids.length === 1, 'the stalled job rescued');
      assert.deepEqual(done.ids, [job.id]);
      await until(events, ['stalled'], () => stalled.length === 1, 'the stalled event');
      assert.deepEqual(stalled, [job.id]);
      const stored = await queue.getJob(job.id);
      assert.equal(await stored.getState(), 'completed');
      assert.deepEqual(stored.returnvalue, { rescued: 7 });
      assert.equal(stored.stalledCounter, 1);
      assert.equal(stored.attemptsStarted, 2);
      assert.equal(stored.attemptsMade, 1);
    });
  });

test('clean by state and grace, drain, obliterate', async () => {
  await withQueue('feat-clean', async ({ queue, closers }) => {
    const w = worker('feat-clean', async (job) => {
      if (job.data.fail) throw new Error('no');
      return 'ok';
    });
    closers.push(w);
    let finished = 0;
    w.on('completed', () => finished++);
    w.on('failed', () => finished++);
    const ok = [];
    for (let i = 0; i < 4; i++) ok.push((await queue.add('ok', {})).id);
    const bad = [];
    for (let i = 0; i < 2; i++) bad.push((await queue.add('bad', { fail: true })).id);
    await until(w, ['completed', 'failed'], () => finished === 6, 'six finished jobs');
    await w.close();

    // Nothing is older than an hour; a grace of 0 takes them all, up to the limit.
    assert.deepEqual(await queue.clean(3600 * 1000, 100, 'completed'), []);
    const cleanedOne = await queue.clean(0, 1, 'failed');
    assert.equal(cleanedOne.length, 1);
    assert.ok(bad.includes(cleanedOne[0]));
    assert.deepEqual((await queue.clean(0, 100, 'completed')).sort(), [...ok].sort());
    assert.deepEqual(await queue.getJobCounts('completed', 'failed'), { completed: 0, failed: 1 });
    for (const id of ok) assert.equal(await queue.getJob(id), undefined);

    // Waiting and delayed jobs: drain() takes the waiting ones, drain(true) the delayed too.
    for (let i = 0; i < 3; i++) await queue.add('w', {});
    for (let i = 0; i < 2; i++) await queue.add('d', {}, { delay: 3600 * 1000 });
    await queue.add('pr', {}, { priority: 5 });
    assert.deepEqual(await queue.getJobCounts('waiting', 'delayed', 'prioritized'),
      { waiting: 3, paused: 0, delayed: 2, prioritized: 1 });
    await queue.drain();
    assert.deepEqual(await queue.getJobCounts('waiting', 'delayed', 'prioritized'),
      { waiting: 0, paused: 0, delayed: 2, prioritized: 0 });
    await queue.drain(true);
    assert.deepEqual(await queue.getJobCounts('waiting', 'delayed', 'failed'),
      { waiting: 0, paused: 0, delayed: 0, failed: 1 });
    assert.deepEqual((await queue.clean(0, 0, 'wait')), []);

    // Obliterate refuses while a job is active, unless forced.
    const hold = deferred();
    const busy = worker('feat-clean', async () => hold.promise);
    closers.push(busy);
    const activeJob = await queue.add('busy', {});
    await pollUntil(async () => await queue.getActiveCount() === 1, 'the job active');
    await assert.rejects(queue.obliterate(), { message: 'Cannot obliterate queue with active jobs' });
    await queue.obliterate({ force: true });
    assert.deepEqual(await admin.keys('bull:feat-clean:*'), []);
    assert.equal(await queue.getJob(activeJob.id), undefined);
    hold.resolve('late');
    await busy.close();
  });
});

test('job counts, job listings by state and the count getters', async () => {
  await withQueue('feat-counts', async ({ queue, closers }) => {
    const hold = deferred();
    const w = worker('feat-counts', async (job) => {
      if (job.name === 'fail') throw new Error('failed on purpose');
      if (job.name === 'hold') await hold.promise;
      return job.name;
    }, { concurrency: 1 });
    closers.push(w);
    const done = completions(w);
    let failures = 0;
    w.on('failed', () => failures++);
    const c1 = await queue.add('complete', {});
    const c2 = await queue.add('complete', {});
    const f1 = await queue.add('fail', {});
    await until(w, ['completed', 'failed'], () => done.ids.length === 2 && failures === 1,
      'two completed, one failed');
    const held = await queue.add('hold', {});
    await pollUntil(async () => await queue.getActiveCount() === 1, 'the held job active');
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push(await queue.add('wait', { i }));
    const delayed = await queue.add('later', {}, { delay: 3600 * 1000 });
    const prio = [await queue.add('p', {}, { priority: 2 }), await queue.add('p', {},
      { priority: 2 }), await queue.add('p', {}, { priority: 7 })];

    assert.deepEqual(await queue.getJobCounts(...ALL_STATES), {
      active: 1, completed: 2, delayed: 1, failed: 1, paused: 0, prioritized: 3, waiting: 3,
      'waiting-children': 0,
    });
    assert.equal(await queue.getWaitingCount(), 3);
    assert.equal(await queue.getActiveCount(), 1);
    assert.equal(await queue.getCompletedCount(), 2);
    assert.equal(await queue.getFailedCount(), 1);
    assert.equal(await queue.getDelayedCount(), 1);
    assert.equal(await queue.getPrioritizedCount(), 3);
    assert.equal(await queue.getWaitingChildrenCount(), 0);
    assert.equal(await queue.count(), 7);  // waiting + delayed + prioritized (+ paused)
    assert.deepEqual(await queue.getCountsPerPriority([0, 2, 7, 9]),
      { 0: 3, 2: 2, 7: 1, 9: 0 });

    const ids = (jobs) => jobs.map((j) => j.id);
    assert.deepEqual(ids(await queue.getWaiting()), ids(waiting));
    assert.deepEqual(ids(await queue.getJobs(['wait'], 0, -1, true)), ids(waiting));
    assert.deepEqual(ids(await queue.getActive()), [held.id]);
    assert.deepEqual(ids(await queue.getDelayed()), [delayed.id]);
    assert.deepEqual(ids(await queue.getFailed()), [f1.id]);
    assert.deepEqual(ids(await queue.getJobs(['completed'], 0, -1, true)), [c1.id, c2.id]);
    assert.deepEqual(ids(await queue.getJobs(['prioritized'], 0, -1, true)), ids(prio));
    assert.deepEqual(ids(await queue.getJobs(['completed', 'failed'], 0, 0, true)).length, 2);
    assert.equal((await queue.getFailed())[0].failedReason, 'failed on purpose');
    assert.equal(await queue.getJobState(delayed.id), 'delayed');
    assert.equal(await queue.getJobState(prio[0].id), 'prioritized');
    assert.equal(await queue.getJobState('no-such-job'), 'unknown');
    hold.resolve();
  });
});

test('removeOnComplete and removeOnFail by count and by age', async () => {
  await withQueue('feat-remove-on', async ({ queue, closers }) => {
    const w = worker('feat-remove-on', async (job) => {
      if (job.data.fail) throw new Error('x');
      return job.data.i;
    }, { concurrency: 1 });
    closers.push(w);
    let finished = 0;
    w.on('completed', () => finished++);
    w.on('failed', () => finished++);
    const kept = [];
    for (let i = 0; i < 5; i++) {
      kept.push(await queue.add('c', { i }, { removeOnComplete: 2 }));
    }
    for (let i = 0; i < 4; i++) {
      await queue.add('f', { i, fail: true }, { removeOnFail: { count: 1 } });
    }
    const gone = await queue.add('c', { i: 9 }, { removeOnComplete: true });
    const aged = [];
    for (let i = 0; i < 3; i++) {
      aged.push(await queue.add('a', { i }, { removeOnComplete: { age: 3600, count: 10 } }));
    }
    await until(w, ['completed', 'failed'], () => finished === 13, 'thirteen finished jobs');
    // The count is applied as each job completes: of the five 'c' jobs the last two stayed
    // until 'gone' (removeOnComplete: true) and the aged ones (count 10, within the hour) came.
    const completed = (await queue.getJobs(['completed'], 0, -1, true)).map((j) => j.id);
    assert.deepEqual(completed, [kept[3].id, kept[4].id, ...aged.map((j) => j.id)]);
    assert.equal(await queue.getJob(gone.id), undefined);
    assert.equal(await queue.getFailedCount(), 1);
    assert.equal((await queue.getFailed())[0].data.i, 3);
  });
});

test('progress and updateData; job.remove; retrying failed jobs', async () => {
  await withQueue('feat-job', async ({ queue, events, closers }) => {
    const progress = [];
    events.on('progress', ({ jobId, data }) => progress.push([jobId, data]));
    let fail = true;
    const w = worker('feat-job', async (job) => {
      await job.updateProgress(40);
      await job.updateProgress({ step: 'two', pct: 80 });
      await job.updateData({ ...job.data, touched: true });
      if (job.name === 'flaky' && fail) throw new Error('flaky failure');
      return 'done';
    }, { concurrency: 1 });
    closers.push(w);
    const done = completions(w);
    const failed = [];
    w.on('failed', (job) => failed.push(job.id));

    const job = await queue.add('work', { a: 1 });
    await until(w, ['completed'], () => done.ids.length === 1, 'the first job');
    const stored = await queue.getJob(job.id);
    assert.deepEqual(stored.data, { a: 1, touched: true });
    assert.deepEqual(stored.progress, { step: 'two', pct: 80 });
    await until(events, ['progress'], () => progress.length === 2, 'two progress events');
    assert.deepEqual(progress, [[job.id, 40], [job.id, { step: 'two', pct: 80 }]]);

    // Removing: a waiting job goes; an active (locked) job cannot be removed.
    await w.pause();
    const waiting = await queue.add('work', { b: 2 });
    await waiting.remove();
    assert.equal(await queue.getJob(waiting.id), undefined);
    assert.equal(await queue.getWaitingCount(), 0);
    w.resume();

    const hold = deferred();
    const holder = worker('feat-job-hold', async () => hold.promise);
    closers.push(holder);
    const holdQueue = new Queue('feat-job-hold', { connection });
    closers.push({ close: async () => { await holdQueue.obliterate({ force: true });
      await holdQueue.close(); } });
    const locked = await holdQueue.add('held', {});
    await pollUntil(async () => await holdQueue.getActiveCount() === 1, 'the held job active');
    const lockedJob = await holdQueue.getJob(locked.id);
    await assert.rejects(lockedJob.remove(), {
      message: `Job ${locked.id} could not be removed because it is locked by another worker`,
    });
    hold.resolve('released');
    await pollUntil(async () => await holdQueue.getCompletedCount() === 1,
      'the held job completed');

    // A failed job retried (by the job, then by the queue) runs again.
    const flaky = await queue.add('flaky', {});
    const flaky2 = await queue.add('flaky', {});
    await until(w, ['failed'], () => failed.length === 2, 'two failures');
    assert.deepEqual(await queue.getJobCounts('failed'), { failed: 2 });
    fail = false;
    await (await queue.getJob(flaky.id)).retry();
    await until(w, ['completed'], () => done.ids.length === 2, 'the retried job');
    await queue.retryJobs({ state: 'failed' });
    await until(w, ['completed'], () => done.ids.length === 3, 'the queue-retried job');
    assert.deepEqual(done.ids.slice(1), [flaky.id, flaky2.id]);
    for (const id of [flaky.id, flaky2.id]) {
      const j = await queue.getJob(id);
      assert.equal(await j.getState(), 'completed');
      assert.equal(j.attemptsMade, 2);
      assert.equal(j.failedReason, undefined);  // cleared by the retry
    }
  });
});

test('lifo jobs run newest first, before the fifo ones', async () => {
  await withQueue('feat-lifo', async ({ queue, closers }) => {
    await queue.add('fifo-1', {});
    for (let i = 1; i <= 3; i++) await queue.add(`lifo-${i}`, {}, { lifo: true });
    await queue.add('fifo-2', {});
    const w = worker('feat-lifo', async () => null, { concurrency: 1 });
    closers.push(w);
    const done = completions(w);
    await until(w, ['completed'], () => done.ids.length === 5, 'five jobs');
    assert.deepEqual(done.names, ['lifo-3', 'lifo-2', 'lifo-1', 'fifo-1', 'fifo-2']);
  });
});

test('repeat every N ms with a limit runs exactly limit times', async () => {
  await withQueue('feat-repeat', async ({ queue, closers }) => {
    const w = worker('feat-repeat', async (job) => job.data.v);
    closers.push(w);
    const done = completions(w);
    await queue.add('tick', { v: 'r' }, { repeat: { every: 150, limit: 3 } });
    await until(w, ['completed'], () => done.ids.length === 3, 'three repetitions');
    assert.equal(new Set(done.ids).size, 3);
    assert.deepEqual(done.names, ['tick', 'tick', 'tick']);
    // No fourth run is scheduled.
    assert.deepEqual(await queue.getJobCounts('delayed', 'waiting', 'active'),
      { delayed: 0, waiting: 0, paused: 0, active: 0 });
  });
});

test('deduplication: simple mode until the job finishes, ttl mode for its ttl', async () => {
  await withQueue('feat-dedup', async ({ queue, events, closers }) => {
    const dups = [];
    events.on('deduplicated', (args) => dups.push([args.jobId, args.deduplicationId,
      args.deduplicatedJobId]));
    const first = await queue.add('d', { v: 1 }, { deduplication: { id: 'order-1' } });
    const second = await queue.add('d', { v: 2 }, { deduplication: { id: 'order-1' } });
    assert.equal(second.id, first.id);
    assert.equal(await queue.getDeduplicationJobId('order-1'), first.id);
    assert.equal(await queue.getWaitingCount(), 1);
    const ttlFirst = await queue.add('t', {}, { deduplication: { id: 'ttl-1', ttl: 3600000 } });

    const w = worker('feat-dedup', async (job) => job.data);
    closers.push(w);
    const done = completions(w);
    await until(w, ['completed'], () => done.ids.length === 2, 'the two first jobs');
    assert.deepEqual((await queue.getJob(first.id)).returnvalue, { v: 1 });
    await until(events, ['deduplicated'], () => dups.length === 1, 'the deduplicated event');
    // The job kept and the id the discarded add had drawn.
    assert.equal(first.id, '1');
    assert.deepEqual(dups, [['1', 'order-1', '2']]);

    // Simple mode ends with the job; ttl mode holds after it completed.
    assert.equal(await queue.getDeduplicationJobId('order-1'), null);
    const third = await queue.add('d', { v: 3 }, { deduplication: { id: 'order-1' } });
    assert.notEqual(third.id, first.id);
    const ttlAgain = await queue.add('t', {}, { deduplication: { id: 'ttl-1', ttl: 3600000 } });
    assert.equal(ttlAgain.id, ttlFirst.id);
    assert.equal(await queue.removeDeduplicationKey('ttl-1'), 1);
    const ttlNew = await queue.add('t', {}, { deduplication: { id: 'ttl-1', ttl: 3600000 } });
    assert.notEqual(ttlNew.id, ttlFirst.id);
    await until(w, ['completed'], () => done.ids.length === 4, 'the later jobs');
  });
});
