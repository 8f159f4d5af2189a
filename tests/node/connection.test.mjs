// ioredis against duet: connecting, auth, RESP handling, pipelining.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startDuet } from './helpers.mjs';

let server;
before(async () => { server = await startDuet(['--requirepass', 's3cret-pass']); });
after(async () => { await server.stop(); });

test('ioredis connects with a password and pings', async () => {
  const r = new Redis({ port: server.port, host: '127.0.0.1', password: 's3cret-pass',
    lazyConnect: true, retryStrategy: () => null });
  await r.connect();
  assert.equal(await r.ping(), 'PONG');
  assert.equal(await r.echo('hello'), 'hello');
  r.disconnect();
});

test('a wrong password is refused with WRONGPASS', async () => {
  const r = new Redis({ port: server.port, host: '127.0.0.1', password: 'nope',
    lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  const errors = [];
  r.on('error', (e) => errors.push(String(e)));
  await assert.rejects(r.connect());
  assert.ok(errors.some((e) => e.includes('WRONGPASS invalid username-password pair')),
    errors.join('; '));
  r.disconnect();
});

test('commands before AUTH get NOAUTH', async () => {
  const r = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true,
    retryStrategy: () => null, maxRetriesPerRequest: 0, enableReadyCheck: false });
  await r.connect();
  await assert.rejects(r.echo('x'), /NOAUTH Authentication required/);
  r.disconnect();
});

test('a pipeline of 1000 ECHOs returns every reply in order', async () => {
  const r = new Redis({ port: server.port, host: '127.0.0.1', password: 's3cret-pass',
    retryStrategy: () => null });
  const p = r.pipeline();
  for (let i = 0; i < 1000; i++) p.echo(`v${i}`);
  const res = await p.exec();
  assert.equal(res.length, 1000);
  res.forEach(([err, v], i) => { assert.equal(err, null); assert.equal(v, `v${i}`); });
  r.disconnect();
});
