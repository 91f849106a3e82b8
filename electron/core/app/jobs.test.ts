import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSnapshot } from '../api/jobs.ts';
import { ServiceError } from '../api/errors.ts';
import { EventBus } from './events.ts';
import { JobRegistry } from './jobs.ts';

function setup() {
  const events = new EventBus();
  const updates: JobSnapshot[] = [];
  events.subscribe((e) => e.name === 'jobs.update' && updates.push(e.payload));
  return { jobs: new JobRegistry(events), updates };
}

test('a job reports running, progress and done with its result', async () => {
  const { jobs, updates } = setup();
  const { jobId, done } = jobs.start({ kind: 'test', title: 'T' }, async (job) => {
    job.progress(1, 'all');
    return { answer: 42 };
  });
  assert.deepEqual(await done, { answer: 42 });
  const snap = jobs.get(jobId);
  assert.equal(snap.state, 'done');
  assert.deepEqual(snap.result, { answer: 42 });
  assert.equal(snap.progress, 1);
  assert.deepEqual(
    updates.map((u) => u.state),
    ['running', 'running', 'done'],
  );
  assert.equal(updates[1].message, 'all');
});

test('cancel aborts the signal and marks the job cancelled at once', async () => {
  const { jobs } = setup();
  let sawAbort = false;
  const { jobId, done } = jobs.start(
    { kind: 'test', title: 'T' },
    (job) =>
      new Promise((_, reject) =>
        job.signal.addEventListener('abort', () => ((sawAbort = true), reject(new ServiceError('cancelled', 'stopped')))),
      ),
  );
  const snap = jobs.cancel(jobId);
  assert.equal(snap.state, 'cancelled');
  await assert.rejects(done, /stopped/);
  assert.ok(sawAbort);
  assert.equal(jobs.get(jobId).state, 'cancelled', 'a late rejection does not overwrite the cancelled state');
});

test('a failing job keeps its error as data', async () => {
  const { jobs } = setup();
  const { jobId, done } = jobs.start({ kind: 'test', title: 'T' }, async () => {
    throw new ServiceError('not_found', 'model "x" does not exist');
  });
  await assert.rejects(done);
  assert.deepEqual(jobs.get(jobId).error, { code: 'not_found', message: 'model "x" does not exist' });
  assert.equal(jobs.get(jobId).state, 'failed');
});

test('unknown job ids are not_found', () => {
  const { jobs } = setup();
  assert.throws(
    () => jobs.get('nope'),
    (e: unknown) => e instanceof ServiceError && e.code === 'not_found',
  );
  assert.throws(
    () => jobs.cancel('nope'),
    (e: unknown) => e instanceof ServiceError && e.code === 'not_found',
  );
});

test('a report held back by the throttle still goes out: a job that says "queued" and waits is shown queued', async () => {
  const events = new EventBus();
  const jobs = new JobRegistry(events);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // Resolves on the first published update that carries the message, while the job is still waiting.
  const queued = new Promise<JobSnapshot>((resolve) => {
    const off = events.subscribe((e) => e.name === 'jobs.update' && e.payload.message === 'Queued: waiting' && (off(), resolve(e.payload)));
  });
  const { done } = jobs.start({ kind: 'test', title: 'T' }, async (job) => {
    job.progress(0, 'Queued: waiting'); // within the throttle interval of the start's own update
    await gate;
    return null;
  });
  const shown = await queued;
  assert.equal(shown.state, 'running');
  release();
  await done;
});
