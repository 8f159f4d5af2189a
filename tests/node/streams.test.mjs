// ioredis against duet: XREAD BLOCK listeners (BullMQ's QueueEvents shape, `XREAD BLOCK ms
// STREAMS key $`) woken by XADD from another connection and from a Lua script, consumer
// groups with a claim after a consumer goes away, and BullMQ's `XADD key MAXLEN ~ n *`.
// Every wait is raced against a timer so a missing wake-up fails loudly instead of hanging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startDuet, within } from './helpers.mjs';

let server;
let r;
before(async () => {
  server = await startDuet();
  r = new Redis({ port: server.port, host: '127.0.0.1', retryStrategy: () => null });
});
after(async () => { r.disconnect(); await server.stop(); });


// Waits until `n` clients are blocked, so the writer cannot run before the reader parks.
async function blockedClients(n) {
  for (let i = 0; i < 500; i++) {
    const info = await r.info('clients');
    if (Number(/blocked_clients:(\d+)/.exec(info)[1]) >= n) return;
    await new Promise((res) => setTimeout(res, 5));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

test('XREAD BLOCK $ is woken by XADD on another connection', async () => {
  await r.del('events');
  await r.xadd('events', '*', 'event', 'old');
  const listener = r.duplicate();
  try {
    const waiting = listener.xread('BLOCK', 10000, 'STREAMS', 'events', '$');
    await blockedClients(1);
    const id = await r.xadd('events', 'MAXLEN', '~', 100, '*', 'event', 'added', 'jobId', '1');
    const res = await within(5000, waiting, 'XREAD BLOCK');
    assert.deepEqual(res, [['events', [[id, ['event', 'added', 'jobId', '1']]]]]);
  } finally {
    listener.disconnect();
  }
});

test('XREAD BLOCK is woken by XADD from a Lua script, after the script', async () => {
  await r.del('events2');
  const listener = r.duplicate();
  try {
    const waiting = listener.xread('BLOCK', 0, 'STREAMS', 'events2', '$');
    await blockedClients(1);
    const id = await r.eval(
      "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', 10, '*', 'event', 'completed')\n" +
        'return id',
      1, 'events2');
    const res = await within(5000, waiting, 'XREAD BLOCK 0');
    assert.deepEqual(res, [['events2', [[id, ['event', 'completed']]]]]);
  } finally {
    listener.disconnect();
  }
});

test('XREAD BLOCK times out with a null reply', async () => {
  await r.del('quiet');
  assert.equal(await within(5000, r.xread('BLOCK', 50, 'STREAMS', 'quiet', '$'), 'XREAD'), null);
});

test('XREAD BLOCK with BLOCK inside a script is refused', async () => {
  await assert.rejects(
    r.eval("return redis.call('XREAD', 'BLOCK', 0, 'STREAMS', KEYS[1], '$')", 1, 'x'),
    /XREAD command is not allowed with BLOCK option from scripts/i);
});

test('consumer group: a dead consumer\'s entries are claimed by another', async () => {
  await r.del('jobs');
  await r.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
  const a = await r.xadd('jobs', '*', 'job', 'a');
  const b = await r.xadd('jobs', '*', 'job', 'b');
  const dead = r.duplicate();
  const got = await dead.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 10, 'STREAMS', 'jobs', '>');
  assert.equal(got[0][1].length, 2);
  dead.disconnect();
  assert.deepEqual(await r.xpending('jobs', 'workers'), [2, a, b, [['w1', '2']]]);
  const [next, claimed, deleted] = await r.xautoclaim('jobs', 'workers', 'w2', 0, '0-0');
  assert.equal(next, '0-0');
  assert.deepEqual(claimed.map((e) => e[0]), [a, b]);
  assert.deepEqual(deleted, []);
  assert.equal(await r.xack('jobs', 'workers', a, b), 2);
  assert.deepEqual(await r.xpending('jobs', 'workers'), [0, null, null, null]);
});

test('XREADGROUP BLOCK is woken by XADD and errors when the group is destroyed', async () => {
  await r.del('q');
  await r.xgroup('CREATE', 'q', 'g', '$', 'MKSTREAM');
  const c1 = r.duplicate();
  const c2 = r.duplicate();
  try {
    const w1 = c1.xreadgroup('GROUP', 'g', 'c1', 'BLOCK', 0, 'STREAMS', 'q', '>');
    await blockedClients(1);
    const id = await r.xadd('q', '*', 'k', 'v');
    assert.deepEqual(await within(5000, w1, 'XREADGROUP'), [['q', [[id, ['k', 'v']]]]]);
    const w2 = c2.xreadgroup('GROUP', 'g', 'c2', 'BLOCK', 0, 'STREAMS', 'q', '>');
    // Handled from now on: the error can arrive before DESTROY's own reply.
    const w2Refused = assert.rejects(within(5000, w2, 'XREADGROUP after DESTROY'), /NOGROUP/);
    await blockedClients(1);
    await r.xgroup('DESTROY', 'q', 'g');
    await w2Refused;
  } finally {
    c1.disconnect();
    c2.disconnect();
  }
});

test('XADD MAXLEN ~ keeps whole nodes, as BullMQ expects', async () => {
  await r.del('capped');
  for (let i = 0; i < 1000; i++) await r.xadd('capped', 'MAXLEN', '~', 100, '*', 'i', String(i));
  const len = await r.xlen('capped');
  assert.ok(len >= 100 && len < 300, `length ${len}`);
});
