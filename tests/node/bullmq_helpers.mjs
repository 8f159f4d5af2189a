// Shared scaffolding of the BullMQ tests.
import { Queue, QueueEvents } from 'bullmq';
import { within } from './helpers.mjs';

const WAIT_MS = 15000;

// Runs `body({queue, events, closers})` with a fresh Queue and a QueueEvents that reads the
// queue's event stream from its start (no event is missed while its first XREAD is still on its
// way). Afterwards closes what `body` pushed on `closers` (newest first; close(true), so a
// worker does not wait for a job a failed assertion left hanging), then obliterates the queue.
export async function withQueue(connection, name, body) {
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection, lastEventId: '0-0' });
  const closers = [];
  try {
    await within(WAIT_MS, events.waitUntilReady(), 'QueueEvents ready');
    await body({ queue, events, closers });
  } finally {
    for (const c of closers.reverse()) await within(WAIT_MS, c.close(true), 'closing');
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

// Resolves once `await probe()` is true, asking every 10 ms; rejects after `ms` naming `what`.
export function pollUntil(probe, what, ms = WAIT_MS) {
  return within(ms, (async () => {
    while (!(await probe())) await new Promise((r) => setTimeout(r, 10));
  })(), what);
}
