// BullMQ end to end through duet: a Queue adds plain, delayed, prioritized, retried (fails
// once, then succeeds after a fixed backoff) and flow (parent + children via FlowProducer)
// jobs and a job scheduler's repeatable jobs; Workers process them; the final states, return
// values, attempts and processing order are asserted exactly, and QueueEvents must have seen
// added/active/completed (and failed, for the retried job) for every job (active/completed
// for a scheduler's jobs, which are never 'added').
//
// Every wait is raced against a timer, so a server that drops a job or an event fails the test
// loudly instead of hanging it. With REDIS_PORT set the same test runs against a server already
// listening there (e.g. redis-server, to check the expectations).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, FlowProducer } from 'bullmq';
import { withQueue as withSharedQueue } from './bullmq_helpers.mjs';
import { startDuet, until } from './helpers.mjs';


let server;
let connection;
before(async () => {
  if (process.env.REDIS_PORT) {
    server = { port: Number(process.env.REDIS_PORT), stop: async () => {} };
  } else {
    server = await startDuet();
  }
  connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
});
after(async () => { await server.stop(); });



// Records every QueueEvents event per job id.
function recordEvents(events) {
  const seen = new Map();
  const note = (kind) => (args) => {
    if (!seen.has(args.jobId)) seen.set(args.jobId, []);
    seen.get(args.jobId).push({ kind, ...args });
  };
  for (const kind of ['added', 'active', 'completed', 'failed', 'delayed', 'waiting']) {
    events.on(kind, note(kind));
  }
  return seen;
}

const kinds = (seen, id) => (seen.get(id) || []).map((e) => e.kind);

const withQueue = (name, body) => withSharedQueue(connection, name, body);

test('plain, delayed, retried and flow jobs: states, return values and events', async () => {
  await withQueue('duet-e2e', async ({ queue, events, closers }) => {
    const seen = recordEvents(events);
    const done = new Map();  // job id -> return value
    const worker = new Worker('duet-e2e', async (job) => {
      switch (job.name) {
        case 'plain': return { doubled: job.data.n * 2 };
        case 'delayed': return Date.now() - job.timestamp;
        case 'flaky':
          if (job.attemptsMade === 0) throw new Error('first try fails');
          return 'second try';
        case 'doomed': throw new Error('always fails');
        case 'child': return `child-${job.data.i}`;
        case 'parent': return job.getChildrenValues();
        default: throw new Error(`unexpected job ${job.name}`);
      }
    }, { connection, concurrency: 4 });
    closers.push(worker);
    worker.on('completed', (job, value) => done.set(job.id, value));
    const workerFailures = [];
    worker.on('failed', (job, err) => workerFailures.push([job.name, err.message, job.attemptsMade]));

    const plain = await Promise.all([1, 2, 3].map((n) => queue.add('plain', { n })));
    const delayed = await queue.add('delayed', {}, { delay: 300 });
    const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const doomed = await queue.add('doomed', {}, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    const flowProducer = new FlowProducer({ connection });
    closers.push(flowProducer);
    const flow = await flowProducer.add({
      name: 'parent', queueName: 'duet-e2e', data: {},
      children: [1, 2].map((i) => ({ name: 'child', queueName: 'duet-e2e', data: { i } })),
    });
    const ids = [...plain, delayed, flaky, flow.job, ...flow.children.map((c) => c.job)]
      .map((j) => j.id);
    assert.equal(new Set(ids).size, 8);

    await until(events, ['completed'], () => ids.every((id) => kinds(seen, id).includes('completed')),
      'every job completed (QueueEvents)');
    await until(worker, ['completed'], () => ids.every((id) => done.has(id)),
      'every job completed (Worker)');
    await until(events, ['failed'], () => kinds(seen, doomed.id).includes('failed'),
      'the doomed job failed (QueueEvents)');
    await until(worker, ['failed'], () => workerFailures.length === 3, 'three failed attempts');
    assert.deepEqual(workerFailures.sort(), [
      ['doomed', 'always fails', 1], ['doomed', 'always fails', 2], ['flaky', 'first try fails', 1],
    ]);

    for (const [i, job] of plain.entries()) {
      assert.deepEqual(done.get(job.id), { doubled: (i + 1) * 2 });
    }
    assert.ok(done.get(delayed.id) >= 300, `delayed job ran after ${done.get(delayed.id)} ms`);
    assert.equal(done.get(flaky.id), 'second try');
    const [c1, c2] = flow.children.map((c) => c.job);
    assert.equal(done.get(c1.id), 'child-1');
    assert.equal(done.get(c2.id), 'child-2');
    assert.deepEqual(done.get(flow.job.id), {
      [`bull:duet-e2e:${c1.id}`]: 'child-1',
      [`bull:duet-e2e:${c2.id}`]: 'child-2',
    });

    // The jobs as stored: state, return value, attempts, failure history.
    for (const id of ids) {
      const job = await queue.getJob(id);
      assert.equal(await job.getState(), 'completed', `job ${id} (${job.name})`);
      assert.deepEqual(job.returnvalue, done.get(id));
      assert.equal(job.attemptsMade, job.name === 'flaky' ? 2 : 1, `attempts of ${job.name}`);
      assert.ok(job.finishedOn >= job.processedOn && job.processedOn >= job.timestamp);
    }
    const flakyJob = await queue.getJob(flaky.id);
    assert.equal(flakyJob.failedReason, 'first try fails');
    assert.equal(flakyJob.stacktrace.length, 1);
    const doomedJob = await queue.getJob(doomed.id);
    assert.equal(await doomedJob.getState(), 'failed');
    assert.equal(doomedJob.failedReason, 'always fails');
    assert.equal(doomedJob.attemptsMade, 2);
    assert.equal(doomedJob.stacktrace.length, 2);
    assert.equal(doomedJob.returnvalue, null);
    assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed',
      'active', 'waiting-children', 'prioritized'), {
      completed: 8, failed: 1, waiting: 0, paused: 0, delayed: 0, active: 0,
      'waiting-children': 0, prioritized: 0,
    });

    // QueueEvents saw every job added, made active and completed; the retried job was delayed
    // for its backoff and made active again (a failure that is retried is no 'failed' event);
    // the doomed job failed once, with its reason, after its two attempts.
    for (const id of ids) {
      const k = kinds(seen, id);
      for (const kind of ['added', 'active', 'completed']) {
        assert.ok(k.includes(kind), `job ${id}: no '${kind}' event in ${k.join(',')}`);
      }
      assert.equal(k.filter((x) => x === 'failed').length, 0, `job ${id}`);
      assert.equal(k.filter((x) => x === 'completed').length, 1, `job ${id}`);
      assert.ok(k.indexOf('active') < k.lastIndexOf('completed'), `job ${id}: ${k}`);
    }
    const doomedEvents = seen.get(doomed.id);
    assert.deepEqual(doomedEvents.filter((e) => e.kind === 'failed').map((e) => e.failedReason),
      ['always fails']);
    for (const kind of ['added', 'active', 'delayed']) {
      assert.ok(kinds(seen, doomed.id).includes(kind), `doomed: no '${kind}' event`);
    }
    assert.equal(kinds(seen, flaky.id).filter((x) => x === 'active').length, 2);
    assert.ok(kinds(seen, flaky.id).includes('delayed'));
    assert.ok(kinds(seen, delayed.id).includes('delayed'));
    const completed = seen.get(plain[0].id).find((e) => e.kind === 'completed');
    assert.deepEqual(completed.returnvalue, { doubled: 2 });
  });
});

test('prioritized jobs run in priority order, after the unprioritized ones', async () => {
  await withQueue('duet-prio', async ({ queue, closers }) => {
    const jobs = [];
    for (const [name, priority] of [['p3', 3], ['p1', 1], ['none', 0], ['p2', 2], ['p1b', 1]]) {
      jobs.push(await queue.add(name, {}, priority ? { priority } : {}));
    }
    assert.deepEqual(await queue.getJobCounts('prioritized', 'waiting'),
      { prioritized: 4, waiting: 1, paused: 0 });
    const order = [];
    const worker = new Worker('duet-prio', async (job) => { order.push(job.name); return job.name; },
      { connection, concurrency: 1 });
    closers.push(worker);
    await until(worker, ['completed'], () => order.length === jobs.length, 'all prioritized jobs');
    assert.deepEqual(order, ['none', 'p1', 'p1b', 'p2', 'p3']);
    for (const job of jobs) {
      const stored = await queue.getJob(job.id);
      assert.equal(stored.returnvalue, job.name);
      assert.equal(await stored.getState(), 'completed');
    }
  });
});

test('a job scheduler repeats its job', async () => {
  await withQueue('duet-repeat', async ({ queue, events, closers }) => {
    const seen = recordEvents(events);
    const runs = [];
    const worker = new Worker('duet-repeat', async (job) => {
      runs.push({ id: job.id, name: job.name, data: job.data });
      return runs.length;
    }, { connection });
    closers.push(worker);
    const first = await queue.upsertJobScheduler('every-200ms', { every: 200 },
      { name: 'tick', data: { kind: 'repeat' } });
    assert.equal(first.name, 'tick');
    await until(worker, ['completed'], () => runs.length >= 3, 'three scheduled runs');
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
    for (const r of runs) assert.deepEqual([r.name, r.data], ['tick', { kind: 'repeat' }]);
    const schedulers = await queue.getJobSchedulers();
    assert.equal(schedulers.length, 1);
    assert.equal(schedulers[0].key, 'every-200ms');
    assert.equal(schedulers[0].every, 200);
    // A scheduler's jobs are not 'added' (redis-server emits none for them either).
    for (const r of runs.slice(0, 3)) {
      const k = kinds(seen, r.id);
      for (const kind of ['active', 'completed']) {
        assert.ok(k.includes(kind), `scheduled job ${r.id}: no '${kind}' event in ${k}`);
      }
    }
    assert.equal(await queue.removeJobScheduler('every-200ms'), true);
    assert.equal(await queue.getJobSchedulersCount(), 0);
  });
});
