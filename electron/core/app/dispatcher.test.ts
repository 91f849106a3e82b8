// The core's door: schema validation with clear errors, unknown methods, typed service errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { settingsSchema } from '../api/settings.ts';
import { coreWithoutWorkers } from '../llm/test-core.ts';

const core = coreWithoutWorkers('dispatch');
after(() => core.close());

test('valid calls answer ok with plain data', async () => {
  const created = await core.dispatch('sessions.create', { title: '  Notes  ' });
  assert.equal(created.ok, true);
  const session = created.ok ? (created.value as { id: string; title: string }) : null;
  assert.equal(session!.title, 'Notes', 'titles are trimmed by the schema');
  const list = await core.dispatch('sessions.list', {});
  assert.deepEqual(list.ok && (list.value as { id: string }[]).map((s) => s.id), [session!.id]);
});

test('a bad input is rejected with bad_input naming the field and the rule', async () => {
  const r = await core.dispatch('sessions.rename', { id: 'x', title: '' });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'bad_input');
  assert.match(r.error.message, /^invalid input for sessions\.rename: title: title must not be empty$/);
  assert.deepEqual(r.error.issues, [{ path: 'title', message: 'title must not be empty' }]);
});

test('wrong types, missing fields and unknown keys are all rejected', async () => {
  const cases: [unknown, RegExp][] = [
    [{ id: 42, title: 'x' }, /id: .*expected string/i],
    [{ title: 'x' }, /id: /],
    [{ id: 'a', title: 'x', extra: true }, /unrecognized key.*extra/i],
    ['not an object', /expected object/i],
    [{ id: 'a', title: 'x'.repeat(201) }, /title: title must be at most 200 characters/],
  ];
  for (const [input, pattern] of cases) {
    const r = await core.dispatch('sessions.rename', input);
    assert.equal(r.ok, false, JSON.stringify(input));
    if (!r.ok) {
      assert.equal(r.error.code, 'bad_input');
      assert.match(r.error.message, pattern);
    }
  }
});

test('unknown methods, including prototype keys, are refused', async () => {
  for (const m of ['nope.list', 'sessions.nope', 'sessions.__proto__', 'constructor.name', 'toString', '', 'sessions.', 42]) {
    const r = await core.dispatch(m as string, {});
    assert.equal(r.ok, false, String(m));
    if (!r.ok) assert.equal(r.error.code, 'unknown_method');
  }
});

test('a service error crosses as data: renaming a missing session is not_found', async () => {
  const r = await core.dispatch('sessions.rename', { id: 'missing', title: 'x' });
  assert.deepEqual(r, { ok: false, error: { code: 'not_found', message: 'chat session "missing" does not exist' } });
});

test('settings values are validated against the key', async () => {
  const bad = await core.dispatch('settings.set', { key: 'ui.theme', value: 'purple' });
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.equal(bad.error.code, 'bad_input');
    assert.match(bad.error.message, /invalid value for setting ui\.theme: value: .*"light"\|"dark"\|"system"/);
  }
  const unknownKey = await core.dispatch('settings.set', { key: 'no.such', value: 1 });
  assert.equal(unknownKey.ok, false);
  const good = await core.dispatch('settings.set', { key: 'ui.theme', value: 'dark' });
  assert.equal(good.ok && (good.value as Record<string, unknown>)['ui.theme'], 'dark');
  const all = await core.dispatch('settings.getAll', {});
  // what was set, beside the defaults every other setting with one reports (from its schema entry)
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(settingsSchema)) {
    const r = schema.safeParse(undefined);
    if (key !== 'ui.theme' && r.success) defaults[key] = r.data;
  }
  assert.ok('chat.contextPolicy' in defaults && 'chat.defaultSampling' in defaults, 'the defaults come from the schema');
  assert.deepEqual(all, { ok: true, value: { ...defaults, 'ui.theme': 'dark' } });
});

test('a bug in a handler becomes an internal error, not a thrown exception', async () => {
  // The workers' spawner throws: the supervisor's start fails inside the handler.
  const r = await core.dispatch('workers.ping', {});
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'internal');
    assert.match(r.error.message, /workers\.ping failed: no workers in this test/);
  }
});

test('test-only methods answer unavailable outside test mode', async () => {
  const r = await core.dispatch('workers.crashForTest', {});
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'unavailable');
});

test('events are published for changes', async () => {
  const seen: string[] = [];
  const off = core.events.subscribe((e) => seen.push(e.name));
  await core.dispatch('sessions.create', {});
  off();
  assert.deepEqual(seen, ['sessions.changed']);
});
