// The labels issue 11 item 9 named, one assertion each, at 1024×700 in light and dark:
// "cpu · CPU · 2 threads · fell back" (backend named once, no jargon), "1 threads" (singular),
// "Model: none loaded" beside "model ready" (the worker label says it is a process), and a 32K
// trained context in the library beside chat's 8,192 with no explanation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ensureModel270m, ensureRealVocabModel } from '../test-support/models.ts';
import { startAppWithModel } from './support/app.ts';
import { goToScreen, openApp } from './support/browser.ts';
import { repoRoot } from './support/host.ts';

const shots = join(repoRoot, '.cache', 'screenshots');

test('status bar and library labels read as a user expects', async () => {
  const { api, browser, host } = await startAppWithModel(await ensureRealVocabModel('small', 'F32'));
  // a model trained for 32,768 tokens, not loaded: chat would run it at 8,192
  const long = await api.api.models.import({ path: await ensureModel270m('Q8_0') });
  assert.equal(long.contextLength, 32768);

  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 }, colorScheme });
    await goToScreen(page, 'models');
    const backend = page.getByTestId('status-backend');
    await backend.getByText(/thread/).waitFor();
    const backendText = (await backend.textContent()) ?? '';
    // 1. the backend is named once, in words: not "cpu · CPU", not "fell back"
    assert.match(backendText, /^Backend: CPU · 2 threads( · no GPU found)?$/, backendText);
    assert.doesNotMatch(backendText, /cpu · CPU|fell back/i);

    // 3. the worker is labelled as a process, so "model process ready" does not read as "a model is ready"
    assert.equal(await page.getByTestId('status-worker-model').textContent(), 'model process ready');

    // 4. the library says what chat uses beside the trained length, and why
    const row = page.getByTestId('model-row').filter({ hasText: long.name });
    assert.equal(await row.getByTestId('model-context').evaluate((el) => el.firstChild?.textContent), '32K');
    const chat = row.getByTestId('model-chat-context');
    assert.equal(await chat.textContent(), 'chat uses 8,192');
    assert.match(
      (await chat.getAttribute('title')) ?? '',
      /trained for 32,768 tokens; chat runs with a 8,192-token window .* Settings → Backend/,
    );
    await page.screenshot({ path: join(shots, `labels-models-1024x700-${colorScheme}.png`) });
    await page.context().close();
  }

  // 2. one thread is "1 thread"
  await api.api.backend.setConfig({ threads: 1 });
  const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await page
    .getByTestId('status-backend')
    .getByText(/thread/)
    .waitFor();
  assert.match((await page.getByTestId('status-backend').textContent()) ?? '', /^Backend: CPU · 1 thread( · no GPU found)?$/);

  // 3b. with no model active: "none active", and the worker still reads as a process, not as a model
  await api.api.models.setActive({ id: null });
  await page.getByTestId('status-model').getByText('none active').waitFor();
  assert.equal(await page.getByTestId('status-model').textContent(), 'Model: none active');
  assert.match((await page.getByTestId('status-worker-model').textContent()) ?? '', /^model process (idle|ready|starting)$/);
  await page.screenshot({ path: join(shots, 'labels-status-1-thread-1024x700-light.png') });
  await page.context().close();
});
