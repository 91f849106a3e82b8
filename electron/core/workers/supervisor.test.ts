// The worker supervisor against real child processes: a crash is survived, surfaced and recovered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../api/errors.ts';
import type { WorkerStatus } from '../api/workers.ts';
import { nodeSpawner } from './node-spawner.ts';
import { WorkerSupervisor } from './supervisor.ts';
import type { ModelTasks } from './tasks/index.ts';

function supervisor() {
  const states: WorkerStatus[] = [];
  const sup = new WorkerSupervisor<ModelTasks>({
    name: 'model',
    spawner: nodeSpawner,
    env: { GLASSBOX_TEST: '1' },
    backoffMs: 50,
    onState: (s) => states.push(s),
  });
  const waitFor = (pred: (s: WorkerStatus) => boolean) =>
    new Promise<WorkerStatus>((resolve) => {
      const t = setInterval(() => {
        const hit = states.find(pred);
        if (hit) {
          clearInterval(t);
          resolve(hit);
        }
      }, 5);
    });
  return { sup, states, waitFor };
}

test('a worker crash rejects the in-flight request clearly, is surfaced, and the worker restarts', async () => {
  const { sup, states, waitFor } = supervisor();
  try {
    const first = await sup.request('ping', { text: 'a' });
    assert.equal(first.pong, 'a');
    const firstPid = first.pid;
    assert.notEqual(firstPid, process.pid, 'the task ran in another process');

    // Another request in flight when the worker dies must fail too, not hang.
    const slow = sup.request('sleep', { ms: 60_000, steps: 1 });
    const crash = sup.request('crash', {} as never);
    for (const p of [crash, slow]) {
      await assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof ServiceError);
        assert.equal(err.code, 'worker_crashed');
        assert.match(err.message, /the model worker was killed by SIGKILL while running 'sleep', 'crash'; it is being restarted/);
        return true;
      });
    }
    const crashed = await waitFor((s) => s.state === 'crashed');
    assert.match(crashed.lastError!, /killed by SIGKILL/);
    assert.ok(crashed.lastCrashAt! > 0);

    const back = await waitFor((s) => s.state === 'ready' && s.restarts === 1);
    assert.notEqual(back.pid, firstPid, 'a new process');
    const again = await sup.request('ping', { text: 'b' });
    assert.equal(again.pong, 'b');
    assert.equal(again.pid, back.pid);
    assert.deepEqual(
      states.map((s) => s.state),
      ['starting', 'ready', 'crashed', 'starting', 'ready'],
    );
  } finally {
    await sup.stop();
  }
});

test('events stream from a task and cancel stops it', async () => {
  const { sup } = supervisor();
  try {
    const events: unknown[] = [];
    const r = await sup.request('sleep', { ms: 40, steps: 4 }, { onEvent: (e) => events.push(e) });
    assert.deepEqual(r, { slept: 40 });
    assert.deepEqual(
      events.map((e) => (e as { progress: number }).progress),
      [0.25, 0.5, 0.75, 1],
    );

    const controller = new AbortController();
    // Abort once the task is really running in the worker (its first progress event arrived).
    const long = sup.request('sleep', { ms: 60_000, steps: 1000 }, { signal: controller.signal, onEvent: () => controller.abort() });
    await assert.rejects(long, (e: unknown) => e instanceof ServiceError && e.code === 'cancelled');
    // The worker is still healthy after a cancel.
    assert.equal((await sup.request('ping', { text: 'ok' })).pong, 'ok');
  } finally {
    await sup.stop();
  }
});

test('test mode: a held worker keeps new tasks waiting (ping still answers); a held task can be cancelled and never runs', async () => {
  const { sup } = supervisor();
  try {
    assert.deepEqual(await sup.request('holdForTest', { hold: true }), { held: true });
    let settled = false;
    const waiting = sup.request('sleep', { ms: 0, steps: 1 }).finally(() => (settled = true));
    const controller = new AbortController();
    const events: unknown[] = [];
    const cancelled = sup.request('sleep', { ms: 0, steps: 1 }, { signal: controller.signal, onEvent: (e) => events.push(e) });
    // IPC keeps order: the ping is answered after both sleeps reached the worker, and they wait.
    assert.equal((await sup.request('ping', { text: 'still here' })).pong, 'still here');
    assert.equal(settled, false);
    controller.abort();
    await assert.rejects(cancelled, (e: unknown) => e instanceof ServiceError && e.code === 'cancelled');
    await sup.request('holdForTest', { hold: false });
    assert.deepEqual(await waiting, { slept: 0 });
    assert.deepEqual(await sup.request('sleep', { ms: 0, steps: 1 }), { slept: 0 });
    assert.deepEqual(events, [], 'the cancelled task never started');
  } finally {
    await sup.stop();
  }
});

test('task errors come back typed; unknown tasks are refused by the worker', async () => {
  const { sup } = supervisor();
  try {
    await assert.rejects(
      sup.request('nope' as never, {} as never),
      (e: unknown) => e instanceof ServiceError && e.code === 'bad_input' && /this worker has no task "nope"/.test(e.message),
    );
  } finally {
    await sup.stop();
  }
});

test('a stopped supervisor refuses requests and does not restart', async () => {
  const { sup, states } = supervisor();
  await sup.request('ping', { text: 'x' });
  await sup.stop();
  await assert.rejects(sup.request('ping', { text: 'x' }), (e: unknown) => e instanceof ServiceError && e.code === 'unavailable');
  assert.equal(states.at(-1)!.state, 'stopped');
  assert.ok(!states.some((s) => s.state === 'crashed'));
});

test('a request during the restart backoff starts the worker at once and counts as a restart', async () => {
  const states: WorkerStatus[] = [];
  const sup = new WorkerSupervisor<ModelTasks>({
    name: 'model',
    spawner: nodeSpawner,
    env: { GLASSBOX_TEST: '1' },
    backoffMs: 60_000,
    onState: (s) => states.push(s),
  });
  try {
    await assert.rejects(sup.request('crash', {} as never), (e: unknown) => e instanceof ServiceError && e.code === 'worker_crashed');
    assert.equal(sup.snapshot.state, 'crashed');
    const r = await sup.request('ping', { text: 'soon' }); // would otherwise wait a minute
    assert.equal(r.pong, 'soon');
    assert.equal(sup.snapshot.restarts, 1);
  } finally {
    await sup.stop();
  }
});
