// The cache instance as the seed deployment uses it from ioredis: deploy/cache.conf with a
// password, SETEX of JSON API responses, GET hits and misses, DEL; then filled far past a small
// maxmemory: allkeys-lru evicts (no write fails), every key is either still there or counted in
// evicted_keys, and INFO stats' keyspace_hits/keyspace_misses count exactly the GETs that found
// a key and those that did not. With TEST_SERVER=redis the same test runs against
// redis-server 7.0.15 (see helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Redis from 'ioredis';
import { repoRoot, startServer } from './helpers.mjs';

const PASSWORD = 'cache-test-password-0123456789abcdef';

let server;
let cache;
before(async () => {
  server = await startServer({
    config: path.join(repoRoot, 'deploy', 'cache.conf'),
    args: ['--requirepass', PASSWORD],
  });
  // The seed's connection: host, port, password.
  cache = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD });
});
after(async () => {
  cache?.disconnect();
  await server?.stop();
});

async function info(section) {
  const out = {};
  for (const line of (await cache.info(section)).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

async function hitsMisses() {
  const s = await info('stats');
  return [Number(s.keyspace_hits), Number(s.keyspace_misses)];
}

test('setex / get / del as the seed application does', async () => {
  assert.deepEqual(await cache.config('GET', 'maxmemory-policy'),
    ['maxmemory-policy', 'allkeys-lru']);
  const userData = { id: 123, name: 'Ada', roles: ['admin'] };
  const [hits0, misses0] = await hitsMisses();
  assert.equal(await cache.setex('api:users:123', 300, JSON.stringify(userData)), 'OK');
  assert.deepEqual(JSON.parse(await cache.get('api:users:123')), userData);
  const ttl = await cache.ttl('api:users:123');
  assert.ok(ttl > 295 && ttl <= 300, `ttl ${ttl}`);
  assert.equal(await cache.get('api:users:404'), null);
  assert.equal(await cache.del('api:users:123'), 1);
  assert.equal(await cache.get('api:users:123'), null);
  // GET and TTL of an existing key are hits; GETs of missing keys are misses.
  assert.deepEqual(await hitsMisses(), [hits0 + 2, misses0 + 2]);
  await assert.rejects(cache.setex('api:bad', 0, 'x'),
    { message: "ERR invalid expire time in 'setex' command" });
});

test('allkeys-lru under maxmemory: keys evicted, no error, hits and misses counted', async (t) => {
  const mem = await info('memory');
  if (!mem.mem_allocator.startsWith('jemalloc')) {
    // Sanitizer builds: used_memory is the RSS, which evicting does not lower.
    t.skip('needs jemalloc\'s memory accounting');
    return;
  }
  await cache.flushall();
  const limit = Number(mem.used_memory) + 4 * 1024 * 1024;
  assert.equal(await cache.config('SET', 'maxmemory', String(limit)), 'OK');
  const evicted0 = Number((await info('stats')).evicted_keys);

  const N = 20000;
  const value = JSON.stringify({ payload: 'x'.repeat(1000) });
  for (let i = 0; i < N; i += 500) {
    const p = cache.pipeline();
    for (let j = i; j < i + 500; j++) p.setex(`api:item:${j}`, 300, value);
    for (const [err, reply] of await p.exec()) {
      assert.equal(err, null);
      assert.equal(reply, 'OK');
    }
  }
  const used = Number((await info('memory')).used_memory);
  assert.ok(used <= limit + 64 * 1024, `used_memory ${used} over maxmemory ${limit}`);
  // Every command may evict while memory is over the limit (reply buffers count too): the
  // limit goes back up before the keys are counted, so nothing changes under the counts.
  assert.equal(await cache.config('SET', 'maxmemory', '256mb'), 'OK');
  const evicted = Number((await info('stats')).evicted_keys) - evicted0;
  const dbsize = await cache.dbsize();
  assert.ok(evicted > 0 && dbsize < N, `evicted ${evicted}, dbsize ${dbsize}`);
  assert.equal(dbsize + evicted, N);

  const [hits0, misses0] = await hitsMisses();
  let found = 0;
  for (let i = 0; i < N; i += 1000) {
    const keys = Array.from({ length: 1000 }, (_, j) => `api:item:${i + j}`);
    for (const v of await cache.mget(keys)) {
      if (v !== null) {
        assert.equal(v, value);
        found++;
      }
    }
  }
  assert.equal(found, dbsize);
  assert.deepEqual(await hitsMisses(), [hits0 + found, misses0 + (N - found)]);
});
