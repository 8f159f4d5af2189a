// ioredis against duet: the ready check (INFO's loading: field), INFO parsing the way BullMQ
// does it (redis_version, maxmemory_policy), and CONFIG GET/SET replies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startDuet } from './helpers.mjs';

let server;
before(async () => { server = await startDuet(['--maxmemory-policy', 'noeviction']); });
after(async () => { await server.stop(); });

function client(extra = {}) {
  return new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true,
    retryStrategy: () => null, ...extra });
}

// BullMQ's parser: "key:value" lines, CRLF separated.
function parseInfo(text) {
  const out = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

test('the ready check passes (INFO reports loading:0)', async () => {
  const r = client({ enableReadyCheck: true });
  const ready = new Promise((resolve) => r.once('ready', resolve));
  await r.connect();
  await ready;
  assert.equal(r.status, 'ready');
  // The ready check's own parse: "name:value" per CRLF line.
  const info = parseInfo(await r.info());
  assert.equal(info.loading, '0');
  assert.equal(info.async_loading, '0');
  r.disconnect();
});

test('INFO parses as BullMQ parses it', async () => {
  const r = client();
  await r.connect();
  const info = parseInfo(await r.info());
  assert.equal(info.redis_version, '7.0.15');
  assert.equal(info.maxmemory_policy, 'noeviction');
  assert.equal(info.role, 'master');
  assert.match(info.used_memory, /^\d+$/);
  const memory = parseInfo(await r.info('memory'));
  assert.equal(memory.redis_version, undefined);
  assert.match(memory.used_memory_human, /^\d+(\.\d\d)?[BKMGTP]$/);
  r.disconnect();
});

test('CONFIG GET and SET through ioredis', async () => {
  const r = client();
  await r.connect();
  assert.deepEqual(await r.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
  assert.equal(await r.config('SET', 'maxmemory', '64mb'), 'OK');
  assert.deepEqual(await r.config('GET', 'maxmemory'), ['maxmemory', '67108864']);
  await assert.rejects(r.config('SET', 'maxmemory', 'lots'),
    /CONFIG SET failed \(possibly related to argument 'maxmemory'\) - argument must be a memory value/);
  assert.equal(await r.config('SET', 'maxmemory', '0'), 'OK');
  const info = parseInfo(await r.info('memory'));
  assert.equal(info.maxmemory, '0');
  r.disconnect();
});
