// ioredis against duet: the smallest positive blocking timeouts time out, as BullMQ >= 5
// relies on (its blocking connection sends BZPOPMIN marker 0.001). Before the fix 0.001 s
// became 0 ms, "block forever": each call below is raced against a 5 s timer so a regression
// fails loudly instead of hanging the run.
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


test('BZPOPMIN marker 0.001 returns nil promptly', async () => {
  await r.del('marker');
  for (let i = 0; i < 20; i++) {
    assert.equal(await within(5000, r.bzpopmin('marker', 0.001), 'BZPOPMIN 0.001'), null);
  }
});

test('every blocking command times out after its smallest timeout', async () => {
  await r.del('k', 'src', 'dst', 'marker');
  const calls = [
    ['BLPOP', () => r.blpop('k', 0.001)],
    ['BRPOP', () => r.brpop('k', 0.0001)],
    ['BRPOPLPUSH', () => r.brpoplpush('src', 'dst', 0.001)],
    ['BLMOVE', () => r.blmove('src', 'dst', 'LEFT', 'RIGHT', 0.001)],
    ['BLMPOP', () => r.call('BLMPOP', '0.001', '1', 'k', 'LEFT')],
    ['BZPOPMAX', () => r.bzpopmax('marker', 0.001)],
    ['BZMPOP', () => r.call('BZMPOP', '0.001', '1', 'marker', 'MIN')],
  ];
  for (const [name, call] of calls) {
    assert.equal(await within(5000, call(), `${name} 0.001`), null, name);
  }
});

test('a short timeout still serves a push that comes first', async () => {
  const blocker = r.duplicate();
  try {
    const waiting = blocker.bzpopmin('marker', 2);
    await r.zadd('marker', 0, 'job');
    assert.deepEqual(await within(5000, waiting, 'BZPOPMIN 2'), ['marker', 'job', '0']);
  } finally {
    blocker.disconnect();
  }
});
