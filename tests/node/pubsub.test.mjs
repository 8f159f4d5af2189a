// ioredis against duet: pub/sub across reconnects, keyspace notifications, client-side
// caching invalidations (RESP2 redirection as ioredis uses it, and a raw RESP3 connection).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import Redis from 'ioredis';
import { startDuet } from './helpers.mjs';

let server;
before(async () => { server = await startDuet(); });
after(async () => { await server.stop(); });

function client(extra = {}) {
  return new Redis({ port: server.port, host: '127.0.0.1', ...extra });
}

// Resolves with the next `n` events `emitter` sends as `event`, or rejects after 5 s.
function nextEvents(emitter, event, n = 1) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out waiting for ${n} '${event}' events, got ${JSON.stringify(got)}`));
    }, 5000);
    function on(...args) {
      got.push(args);
      if (got.length === n) {
        clearTimeout(timer);
        emitter.off(event, on);
        resolve(got);
      }
    }
    emitter.on(event, on);
  });
}

test('subscribers get messages and resubscribe after a reconnect', async () => {
  const sub = client();
  const pub = client();
  await sub.subscribe('news');
  await sub.psubscribe('n*');
  const both = Promise.all([nextEvents(sub, 'message'), nextEvents(sub, 'pmessage')]);
  assert.equal(await pub.publish('news', 'first'), 2);
  const [[m], [p]] = await both;
  assert.deepEqual(m, ['news', 'first']);
  assert.deepEqual(p, ['n*', 'news', 'first']);

  // Drop the subscriber's connection from the server side; ioredis reconnects and
  // subscribes again to what it had.
  const id = await sub.call('CLIENT', 'ID').catch(() => null);
  assert.equal(id, null, 'RESP2 subscribers may not run CLIENT ID');
  const list = await pub.client('LIST', 'TYPE', 'pubsub');
  const subId = /id=(\d+)/.exec(list)[1];
  assert.match(list, /flags=P .*sub=1 psub=1/);
  const ready = nextEvents(sub, 'ready');
  assert.equal(await pub.client('KILL', 'ID', subId), 1);
  await ready;
  for (let i = 0; i < 100 && Number((await pub.pubsub('NUMSUB', 'news'))[1]) !== 1; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(await pub.pubsub('NUMSUB', 'news'), ['news', 1]);
  const again = nextEvents(sub, 'message');
  assert.equal(await pub.publish('news', 'second'), 2);
  assert.deepEqual((await again)[0], ['news', 'second']);
  sub.disconnect();
  pub.disconnect();
});

test('a keyspace notification listener sees writes, deletions and expiries', async () => {
  const admin = client();
  const sub = client();
  await admin.config('SET', 'notify-keyspace-events', 'KEA');
  await sub.psubscribe('__keyevent@0__:*');
  const events = nextEvents(sub, 'pmessage', 6);
  await admin.set('user:1', 'x');
  await admin.hset('h', 'f', 'v');
  await admin.expire('user:1', 100);
  await admin.del('h');
  await admin.set('gone', 'y', 'PX', 20);
  const got = (await events).map(([, channel, key]) => `${channel} ${key}`);
  assert.deepEqual(got, [
    '__keyevent@0__:set user:1', '__keyevent@0__:hset h', '__keyevent@0__:expire user:1',
    '__keyevent@0__:del h', '__keyevent@0__:set gone', '__keyevent@0__:expire gone']);
  // The next one comes from expiry (active or lazy: a GET makes sure it happens).
  const expired = nextEvents(sub, 'pmessage', 1);
  for (let i = 0; i < 50 && (await admin.pttl('gone')) > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await admin.get('gone');
  const rest = (await expired).map(([, channel, key]) => `${channel} ${key}`);
  assert.deepEqual(rest, ['__keyevent@0__:expired gone']);
  await admin.config('SET', 'notify-keyspace-events', '');
  sub.disconnect();
  admin.disconnect();
});

test('tracking redirected to an ioredis subscriber (RESP2) invalidates read keys', async () => {
  const inval = client();
  const cache = client();
  const writer = client();
  const invalId = await inval.client('ID');
  await inval.subscribe('__redis__:invalidate');
  assert.equal(await cache.client('TRACKING', 'ON', 'REDIRECT', String(invalId)), 'OK');
  await writer.set('cached', '1');
  assert.equal(await cache.get('cached'), '1');
  const msg = nextEvents(inval, 'messageBuffer');
  await writer.set('cached', '2');
  const [[channel, payload]] = await msg;
  assert.equal(String(channel), '__redis__:invalidate');
  assert.deepEqual(payload.map(String), ['cached']);
  assert.equal(await cache.client('GETREDIR'), invalId);
  inval.disconnect();
  cache.disconnect();
  writer.disconnect();
});

test('a RESP3 connection gets invalidation pushes after its own reply', async () => {
  const writer = client();
  const sock = net.connect(server.port, '127.0.0.1');
  // Everything the socket received and not yet consumed; waitFor takes it up to `text`.
  let buf = '';
  let pending = null;
  sock.on('data', (d) => { buf += d.toString('latin1'); if (pending) pending(); });
  const waitFor = (text) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending = null;
      reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(buf)}`));
    }, 5000);
    const check = () => {
      const i = buf.indexOf(text);
      if (i < 0) return;
      clearTimeout(timer);
      pending = null;
      const upto = buf.slice(0, i + text.length);
      buf = buf.slice(i + text.length);
      resolve(upto);
    };
    pending = check;
    check();
  });
  await new Promise((r) => sock.once('connect', r));
  sock.write('HELLO 3\r\n');
  await waitFor('modules\r\n*0\r\n');
  sock.write('CLIENT TRACKING on\r\nGET t3\r\n');
  assert.equal(await waitFor('_\r\n'), '+OK\r\n_\r\n');
  await writer.set('t3', 'v');
  assert.equal(await waitFor('t3\r\n'), '>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nt3\r\n');
  sock.write('GET t3\r\nSET t3 w\r\n');
  assert.equal(await waitFor('t3\r\n'),
    '$1\r\nv\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nt3\r\n');
  sock.destroy();
  writer.disconnect();
});
