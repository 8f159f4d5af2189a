// A NestJS application wired as the seed deployment's app.module.ts: BullModule.forRoot with the
// queue instance's host, port and password (from REDIS_QUEUE_PASSWORD), BullModule.registerQueue
// for the queue 'email', a @Processor('email') WorkerHost and a producer service that gets the
// queue through @InjectQueue('email'). The application boots against the queue instance
// (deploy/queue.conf with a password), the producer adds jobs, the processor handles them, and
// the application closes its queues and workers: no connection is left on the server.
//
// Plain JavaScript: the decorators are the same functions TypeScript would call, applied with
// reflect-metadata's Reflect.decorate (no compile step). With TEST_SERVER=redis the same test
// runs against redis-server 7.0.15 (see helpers.mjs).
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { Module, Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import Redis from 'ioredis';
import { repoRoot, startServer, within } from './helpers.mjs';

const WAIT_MS = 20000;

let server;
let admin;
before(async () => {
  process.env.REDIS_QUEUE_PASSWORD = crypto.randomBytes(24).toString('base64');
  server = await startServer({
    config: path.join(repoRoot, 'deploy', 'queue.conf'),
    args: ['--requirepass', process.env.REDIS_QUEUE_PASSWORD],
  });
  admin = new Redis({ host: '127.0.0.1', port: server.port,
    password: process.env.REDIS_QUEUE_PASSWORD });
});
after(async () => {
  admin?.disconnect();
  await server?.stop();
});

// --- the application, as the seed writes it (decorators applied by hand) ---

class EmailProcessor extends WorkerHost {
  constructor() {
    super();
    this.sent = [];
    this.completedEvents = [];
    this.progress = new EventEmitter();
  }

  async process(job) {
    if (job.name !== 'send-welcome') throw new Error(`unknown job ${job.name}`);
    await job.updateProgress(100);
    this.sent.push({ id: job.id, to: job.data.to, template: job.data.template });
    return { delivered: job.data.to };
  }

  onCompleted(job, result) {
    this.completedEvents.push([job.id, result.delivered]);
    this.progress.emit('completed');
  }
}
Reflect.decorate([Processor('email', { concurrency: 2 })], EmailProcessor);
Reflect.decorate([OnWorkerEvent('completed')], EmailProcessor.prototype, 'onCompleted',
  Object.getOwnPropertyDescriptor(EmailProcessor.prototype, 'onCompleted'));

class EmailService {
  constructor(queue) { this.queue = queue; }

  sendWelcome(to) {
    return this.queue.add('send-welcome', { to, template: 'welcome' });
  }
}
Reflect.decorate([Injectable()], EmailService);
InjectQueue('email')(EmailService, undefined, 0);

function appModule(port) {
  class AppModule {}
  Reflect.decorate([Module({
    imports: [
      BullModule.forRoot({
        connection: { host: '127.0.0.1', port, password: process.env.REDIS_QUEUE_PASSWORD },
      }),
      BullModule.registerQueue({ name: 'email' }),
    ],
    providers: [EmailProcessor, EmailService],
  })], AppModule);
  return AppModule;
}

async function clientCount() {
  const list = await admin.client('LIST');
  return list.split('\n').filter((l) => l.trim()).length;
}

test('a NestJS app with @nestjs/bullmq adds and processes jobs on the queue instance', async () => {
  const app = await within(WAIT_MS, NestFactory.createApplicationContext(appModule(server.port),
    { logger: false }), 'the Nest application context');
  await app.init();
  const producer = app.get(EmailService);
  const processor = app.get(EmailProcessor);
  assert.equal(processor.worker.name, 'email');
  assert.equal(processor.worker.opts.concurrency, 2);

  const recipients = Array.from({ length: 20 }, (_, i) => `user${i}@example.com`);
  const jobs = [];
  for (const to of recipients) jobs.push(await producer.sendWelcome(to));
  assert.equal(new Set(jobs.map((j) => j.id)).size, recipients.length);

  await within(WAIT_MS, new Promise((resolve) => {
    const check = () => {
      if (processor.completedEvents.length < recipients.length) return;
      processor.progress.off('completed', check);
      resolve();
    };
    processor.progress.on('completed', check);
    check();
  }), 'every job processed by the Nest processor');

  assert.deepEqual(processor.sent.map((s) => s.to).sort(), [...recipients].sort());
  assert.ok(processor.sent.every((s) => s.template === 'welcome'));
  assert.deepEqual(processor.completedEvents.map(([id]) => id).sort(),
    jobs.map((j) => j.id).sort());
  for (const job of jobs) {
    const stored = await producer.queue.getJob(job.id);
    assert.equal(await stored.getState(), 'completed');
    assert.deepEqual(stored.returnvalue, { delivered: job.data.to });
    assert.equal(stored.progress, 100);
    assert.equal(stored.attemptsMade, 1);
  }
  assert.deepEqual(await producer.queue.getJobCounts('completed', 'waiting', 'active', 'failed'),
    { completed: 20, waiting: 0, paused: 0, active: 0, failed: 0 });
  assert.ok(await admin.exists('bull:email:meta'));

  // Shutting down closes the worker and the queue and their connections.
  await within(WAIT_MS, app.close(), 'the Nest application closing');
  await within(WAIT_MS, (async () => {
    while (await clientCount() > 1) await new Promise((r) => setTimeout(r, 20));
  })(), 'the application\'s connections closing');
  assert.equal(await clientCount(), 1);
  assert.equal(await admin.llen('bull:email:wait'), 0);
  assert.equal(await admin.zcard('bull:email:completed'), 20);
});

test('the queue instance refuses the app without the password', async () => {
  const noAuth = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true,
    retryStrategy: () => null, maxRetriesPerRequest: 0, enableReadyCheck: false });
  await noAuth.connect();
  await assert.rejects(noAuth.set('k', 'v'), { message: 'NOAUTH Authentication required.' });
  noAuth.disconnect();
});
