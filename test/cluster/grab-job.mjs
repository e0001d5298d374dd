// A worker that dies holding a job: takes one row-block job from the queue with a short lock,
// prints its id and then hangs until it is SIGKILLed (the lock is never renewed after that),
// so BullMQ's stalled-job recovery must give the job to another worker.
// Usage: node test/cluster/grab-job.mjs PORT LOCK_MS
import { Worker } from 'bullmq';

const [port, lockMs] = process.argv.slice(2).map(Number);
const worker = new Worker('lowrank-blocks', null, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, lockDuration: lockMs, autorun: false });
for (;;) {
  const job = await worker.getNextJob('grabber-token');
  if (job) {
    process.stdout.write(`took ${job.id}\n`);
    // Busy forever without renewing the lock, like a process stuck or killed mid-block.
    setInterval(() => {}, 1 << 30);
    break;
  }
}
