// A worker task as a job, against a real worker process: typed progress reaches the job snapshot,
// `finish` makes the result, cancel aborts the task in the worker, and a failure stays data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InspectRun } from '../api/inspect.ts';
import { snapshotOf, type JobSnapshot, type JobStarted } from '../api/jobs.ts';
import type { ServiceHandlers } from './context.ts';
import { ServiceError } from '../api/errors.ts';
import { nodeSpawner } from '../workers/node-spawner.ts';
import { WorkerSupervisor } from '../workers/supervisor.ts';
import type { BuiltinTasks } from '../workers/tasks/index.ts';
import { EventBus } from './events.ts';
import { JobRegistry } from './jobs.ts';
import { startWorkerJob } from './workerJob.ts';

const worker = new WorkerSupervisor<BuiltinTasks>({ name: 'model', spawner: nodeSpawner, env: { GLASSBOX_TEST: '1' }, backoffMs: 50 });
after(() => worker.stop());

function setup() {
  const events = new EventBus();
  const updates: JobSnapshot[] = [];
  events.subscribe((e) => e.name === 'jobs.update' && updates.push(e.payload));
  return { jobs: new JobRegistry(events), updates };
}

test("the task's progress events move the job, and the result is typed by the task (or by finish)", async () => {
  const { jobs, updates } = setup();
  const plain = startWorkerJob(jobs, { kind: 'test.sleep', title: 'sleep' }, worker, 'sleep', { ms: 40, steps: 4 });
  const slept: { slept: number } = await plain.done; // typed without a cast
  assert.deepEqual(slept, { slept: 40 });
  const snap = snapshotOf(plain.jobId, jobs.get(plain.jobId));
  assert.equal(snap.result?.slept, 40);
  const messages = updates.filter((u) => u.jobId === plain.jobId && u.state === 'running').map((u) => u.message);
  assert.ok(messages.includes('step 4 of 4'), messages.join(' | '));

  const order: string[] = [];
  const finished = startWorkerJob(
    jobs,
    { kind: 'test.sleep', title: 'sleep' },
    worker,
    'sleep',
    { ms: 10, steps: 1 },
    {
      prepare: async () => void order.push('prepare'),
      onEvent: () => order.push('other event'),
      finish: (out, job) => (order.push('finish'), { doubled: out.slept * 2, jobId: job.jobId }),
    },
  );
  assert.deepEqual(await finished.done, { doubled: 20, jobId: finished.jobId });
  assert.deepEqual(snapshotOf(finished.jobId, jobs.get(finished.jobId)).result, { doubled: 20, jobId: finished.jobId });
  assert.deepEqual(order, ['prepare', 'finish'], 'prepare ran first; progress events are not passed on as other events');
  assert.throws(() => snapshotOf(finished.jobId, jobs.get(plain.jobId)), /read as job/);

  // The types hold the contract: a job's id cannot be passed off as another job's.
  // @ts-expect-error a sleep job's id is not an InspectRun job's
  const wrong: JobStarted<InspectRun> = { jobId: plain.jobId };
  // @ts-expect-error the inspect.run handler must answer a JobId<InspectRun>, not a sleep job's
  const handler: ServiceHandlers<'inspect'>['inspect.run'] = () => ({ jobId: plain.jobId });
  assert.equal(typeof wrong.jobId, 'string', 'at run time a JobId is a plain string');
  assert.equal(typeof handler, 'function');
});

test('cancelling the job aborts the task in the worker; the worker keeps serving', async () => {
  const { jobs } = setup();
  const long = startWorkerJob(jobs, { kind: 'test.sleep', title: 'sleep' }, worker, 'sleep', { ms: 60_000, steps: 600 });
  // wait for the first progress event: the task is running in the worker
  while (jobs.get(long.jobId).message === '') await new Promise((r) => setImmediate(r));
  assert.equal(jobs.cancel(long.jobId).state, 'cancelled');
  await assert.rejects(long.done, (e: unknown) => e instanceof ServiceError && e.code === 'cancelled');
  const next = await startWorkerJob(jobs, { kind: 'test.sleep', title: 'sleep' }, worker, 'sleep', { ms: 1, steps: 1 }).done;
  assert.deepEqual(next, { slept: 1 });
  assert.equal(worker.snapshot.restarts, 0);
});

test('a failing finish fails the job with its error as data', async () => {
  const { jobs } = setup();
  const failing = startWorkerJob(
    jobs,
    { kind: 'test.sleep', title: 'sleep' },
    worker,
    'sleep',
    { ms: 1, steps: 1 },
    {
      finish: () => {
        throw new ServiceError('conflict', 'could not store the result');
      },
    },
  );
  await assert.rejects(failing.done, /could not store/);
  assert.deepEqual(jobs.get(failing.jobId).error, { code: 'conflict', message: 'could not store the result' });
});
