import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSampling, type SessionConfig } from '../../../electron/core/api/chat.ts';
import { PendingPatches } from './pendingPatches.ts';

const base = { systemPrompt: '', sampling: { ...defaultSampling, temperature: 0.8, maxTokens: 512 } } as SessionConfig;

test("an older save's answer does not undo a newer change; once all are answered the core's config is shown as is", () => {
  const pending = new PendingPatches<SessionConfig>();
  const first = pending.add({ sampling: { ...base.sampling, temperature: 0 } });
  const second = pending.add({ sampling: { ...base.sampling, temperature: 0, maxTokens: 48 } });
  // The core's answer to the first save arrives after the second was made.
  const afterFirst = { ...base, sampling: { ...base.sampling, temperature: 0 } };
  pending.answered(first);
  assert.equal(pending.over(afterFirst).sampling.maxTokens, 48);
  assert.equal(pending.over(afterFirst).sampling.temperature, 0);
  const third = pending.add({ systemPrompt: 'You are terse.' });
  // An event carrying the state after the second save, while the third is unanswered.
  const afterSecond = { ...afterFirst, sampling: { ...afterFirst.sampling, maxTokens: 48 } };
  assert.deepEqual(pending.over(afterSecond), { ...afterSecond, systemPrompt: 'You are terse.' });
  pending.answered(second);
  pending.answered(third);
  const fromCore = { ...afterSecond, systemPrompt: 'You are terse' };
  assert.deepEqual(pending.over(fromCore), fromCore, 'nothing pending: the core is the truth');
});

test('a failed save is dropped, later ones stay', () => {
  const pending = new PendingPatches<SessionConfig>();
  const bad = pending.add({ systemPrompt: 'x' });
  pending.add({ sampling: { ...base.sampling, seed: 7 } });
  pending.failed(bad);
  const shown = pending.over(base);
  assert.equal(shown.systemPrompt, '');
  assert.equal(shown.sampling.seed, 7);
});
