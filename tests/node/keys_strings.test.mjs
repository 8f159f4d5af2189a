// ioredis against duet: the string and key commands an API cache uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startDuet } from './helpers.mjs';

let server;
let r;
before(async () => {
  server = await startDuet(['--requirepass', 'node-pass']);
  r = new Redis({ port: server.port, host: '127.0.0.1', password: 'node-pass',
    retryStrategy: () => null });
});
after(async () => { r.disconnect(); await server.stop(); });

test('cache entries with TTLs: SET EX, GET, TTL, PERSIST, EXPIRE', async () => {
  await r.flushall();
  assert.equal(await r.set('session:1', '{"user":42}', 'EX', 300), 'OK');
  assert.equal(await r.get('session:1'), '{"user":42}');
  const ttl = await r.ttl('session:1');
  assert.ok(ttl > 295 && ttl <= 300, `ttl ${ttl}`);
  assert.equal(await r.persist('session:1'), 1);
  assert.equal(await r.ttl('session:1'), -1);
  assert.equal(await r.expire('session:1', 10, 'GT'), 0);
  assert.equal(await r.pexpire('session:1', 10_000), 1);
  assert.equal(await r.set('session:1', 'x', 'NX'), null);
  assert.equal(await r.ttl('missing'), -2);
});

test('binary values round-trip as Buffers', async () => {
  const bin = Buffer.from([0, 1, 2, 255, 13, 10, 0]);
  await r.set('bin', bin);
  assert.deepEqual(await r.getBuffer('bin'), bin);
  assert.equal(await r.strlen('bin'), 7);
  const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
  await r.set('big', big);
  assert.equal((await r.getBuffer('big')).length, big.length);
});

test('counters and MGET/MSET', async () => {
  await r.mset({ a: '1', b: '2' });
  assert.deepEqual(await r.mget('a', 'b', 'nope'), ['1', '2', null]);
  assert.equal(await r.incrby('a', 41), 42);
  assert.equal(await r.incrbyfloat('b', '0.5'), '2.5');
  await assert.rejects(r.incr('b'), /ERR value is not an integer or out of range/);
});

test('scanStream visits every key exactly as KEYS lists them', async () => {
  await r.flushdb();
  const p = r.pipeline();
  for (let i = 0; i < 2000; i++) p.set(`user:${i}`, i);
  for (let i = 0; i < 100; i++) p.set(`other:${i}`, i);
  await p.exec();
  const seen = new Set();
  await new Promise((resolve, reject) => {
    const s = r.scanStream({ match: 'user:*', count: 100 });
    s.on('data', (keys) => keys.forEach((k) => seen.add(k)));
    s.on('end', resolve);
    s.on('error', reject);
  });
  assert.equal(seen.size, 2000);
  assert.equal((await r.keys('user:1*')).length, 1111);
  assert.equal(await r.dbsize(), 2100);
});

test('DEL/UNLINK/EXISTS/TYPE/RENAME as used by cache invalidation', async () => {
  await r.set('k1', 'v');
  await r.set('k2', 'v');
  assert.equal(await r.exists('k1', 'k2', 'k3'), 2);
  assert.equal(await r.type('k1'), 'string');
  assert.equal(await r.rename('k1', 'k3'), 'OK');
  assert.equal(await r.unlink('k2', 'k3'), 2);
  await assert.rejects(r.rename('k1', 'x'), /ERR no such key/);
});

test('SELECT through the db option keeps databases apart', async () => {
  const r2 = new Redis({ port: server.port, host: '127.0.0.1', password: 'node-pass', db: 2,
    retryStrategy: () => null });
  await r2.set('shared', 'db2');
  await r.set('shared', 'db0');
  assert.equal(await r2.get('shared'), 'db2');
  assert.equal(await r.get('shared'), 'db0');
  r2.disconnect();
});
