// Chat in Chromium against a real host and a small generated Gemma 3 model with the real vocabulary
// (random weights), so tokens are Gemma 3's own: a reply streams (the
// text grows across events), Stop keeps the partial reply, Regenerate and Edit make branches that
// the "‹ 1/2 ›" switcher moves between, search finds a message and opens its branch, a hovered token
// shows the probabilities the core stored, export/import round-trips with markdown sanitised, the
// session survives a kill -9 and restart of the host, and a model-worker crash is reported and
// recovered from.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ChatMessage, SessionConfig } from '../electron/core/api/chat.ts';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { formatProb } from '../renderer/src/features/chat/confidence.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { connectApi, nextEvent } from './support/api.ts';
import { launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, spawnHostProcess, tempDir, type HostProcess } from './support/host.ts';

const dir = tempDir('glassbox-chat-e2e-');
const db = join(dir.path, 'chat.db');
const shots = join(repoRoot, '.cache', 'screenshots');
let host: HostProcess;
let api: ApiClient;
let browser: Browser;
let page: Page;
let sessionId: string;

before(async () => {
  const modelPath = await ensureRealVocabModel('small');
  host = await spawnHostProcess({ dataDir: dir.path, db });
  api = connectApi(host);
  const model = await api.api.models.import({ path: modelPath });
  await api.api.models.setActive({ id: model.id });
  browser = await launchBrowser();
});
after(async () => {
  api?.close();
  await browser?.close();
  await host?.stop();
  dir.cleanup();
});

const lastAssistant = () => page.getByTestId('message-assistant').last();
const lastUser = () => page.getByTestId('message-user').last();
const lastAssistantId = () =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1)?.getAttribute('data-message-id') ?? null);
/** Waits until the newest reply is a new one (not `previousId`) that has stopped streaming; returns its status. */
async function replyDone(previousId: string | null): Promise<string> {
  const handle = await page.waitForFunction(
    (prev) => {
      const last = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
      const status = last?.getAttribute('data-status');
      return last && last.getAttribute('data-message-id') !== prev && status !== 'streaming' ? status : null;
    },
    previousId,
    { timeout: 120_000 },
  ); // a reply ends with a whole-vocabulary probability pass: slow on a loaded machine
  return (await handle.jsonValue()) as string;
}
const stored = async () => api.api.chat.get({ sessionId });
const storedMessage = async (id: string) => (await stored()).messages.find((m) => m.id === id)!;
const send = async (text: string) => {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
};

test('send: the reply streams into the page, its text growing across events, then gets its stats', async () => {
  page = await openApp(browser, host);
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByRole('list', { name: 'Chat sessions' }).locator('[data-session-id][aria-current="true"]').dblclick();
  await page.getByLabel('Session title').fill('Streaming in Chromium');
  await page.getByLabel('Session title').press('Enter');
  await page.getByTestId('conversation-title').getByText('Streaming in Chromium').waitFor();
  sessionId = (await api.api.sessions.list()).find((s) => s.title === 'Streaming in Chromium')!.id;

  // Sampling through the panel: greedy and a cap, so the run is deterministic; saved in the core.
  const saved = nextEvent<{ sessionId: string; config: SessionConfig }>(
    api,
    'chat.sessionChanged',
    (e) =>
      e.sessionId === sessionId &&
      e.config.systemPrompt === 'You are terse.' &&
      e.config.sampling.maxTokens === 48 &&
      e.config.sampling.temperature === 0,
  );
  await page.getByRole('button', { name: 'Chat settings' }).click();
  const panel = page.getByRole('complementary', { name: 'Chat settings' });
  await panel.getByRole('spinbutton', { name: 'Temperature' }).fill('0');
  await panel.getByRole('spinbutton', { name: 'Temperature' }).press('Enter');
  await panel.getByRole('spinbutton', { name: 'Max reply tokens' }).fill('48');
  await panel.getByRole('spinbutton', { name: 'Max reply tokens' }).press('Enter');
  await panel.getByLabel('System prompt').fill('You are terse.');
  await panel.getByLabel('System prompt').blur();
  await saved;
  assert.deepEqual((await stored()).config.systemPrompt, 'You are terse.');
  await page.getByRole('button', { name: 'Close chat settings' }).click();
  await page.getByRole('button', { name: 'system prompt' }).waitFor();
  const active = (await api.api.models.list()).find((x) => x.active)!;
  assert.equal(await page.getByLabel('Chat model').inputValue(), active.id, 'the header names the model that will answer');

  // Record the reply's visible length at every DOM change while it streams.
  await page.evaluate(() => {
    const w = window as unknown as { __lengths: number[] };
    w.__lengths = [];
    new MutationObserver(() => {
      const body = document.querySelector('[data-testid="message-assistant"][data-status="streaming"] .md');
      const n = body?.textContent?.length ?? 0;
      if (n > 0 && w.__lengths.at(-1) !== n) w.__lengths.push(n);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const deltas: number[] = [];
  const off = api.on('chat.delta', (d) => d.sessionId === sessionId && deltas.push(d.index));
  await send('Hello there, tell me a story');
  await lastUser().getByText('Hello there, tell me a story').waitFor();
  const status = await replyDone(null);
  off();
  assert.ok(['complete', 'stopped'].includes(status), `reply ended ${status}`);
  const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
  assert.ok(lengths.length >= 3, `the reply grew in at least 3 steps on screen (saw ${JSON.stringify(lengths)})`);
  for (let i = 1; i < lengths.length; i++) assert.ok(lengths[i] > lengths[i - 1], `text only grows: ${JSON.stringify(lengths)}`);
  assert.ok(deltas.length >= 2 && deltas.every((d, i) => i === 0 || d > deltas[i - 1]), 'several deltas with increasing index');

  // What the page shows is what the core stored.
  const id = (await lastAssistant().getAttribute('data-message-id'))!;
  const m = await storedMessage(id);
  assert.equal(m.status, 'complete');
  assert.ok(m.tokens && m.tokens.length > 0 && m.stats);
  await lastAssistant().getByTestId('message-stats').getByText(`${m.stats.generatedTokens} tokens`).waitFor();
  assert.match((await lastAssistant().getByTestId('message-stats').textContent())!, /\d+\.\d tok\/s · TTFT \d+ ms/);
  await page.getByTestId('context-meter-text').waitFor();
  assert.deepEqual(pageErrors(page), []);
});

test('hover a token: the popover shows its probability and top-5 alternatives exactly as stored', async () => {
  await page.getByRole('switch', { name: 'Tokens' }).click();
  const id = (await lastAssistant().getAttribute('data-message-id'))!;
  const m = await storedMessage(id);
  const tokens = m.tokens!;
  // Shown tokens are the stored tokens.
  const shown = await lastAssistant().locator('[data-token-index]').allTextContents();
  assert.deepEqual(
    shown,
    tokens.map((t) => t.text),
  );
  assert.equal(shown.join(''), m.content);

  // Tokens whose text is only spaces or a newline draw nothing to hover: take the first two that show.
  const visible = tokens.flatMap((t, i) => (/\S/.test(t.text) ? [i] : []));
  assert.ok(visible.length >= 2, `at least two tokens with visible text (${JSON.stringify(tokens.map((t) => t.text))})`);
  for (const i of visible.slice(0, 2)) {
    await lastAssistant().locator(`[data-token-index="${i}"]`).hover();
    const pop = page.getByTestId('token-popover');
    await pop.waitFor();
    // Both numbers, each named: the model's own (whole vocabulary) and the sampler's.
    await pop.getByTestId('token-model-prob').getByText(formatProb(tokens[i].modelProb!), { exact: true }).waitFor();
    assert.equal(Number(await pop.getByTestId('token-model-prob').getAttribute('data-prob')), tokens[i].modelProb);
    await pop.getByTestId('token-prob').getByText(formatProb(tokens[i].prob), { exact: true }).waitFor();
    assert.equal(Number(await pop.getByTestId('token-prob').getAttribute('data-prob')), tokens[i].prob);
    await pop.getByText('Model’s top tokens').waitFor();
    await pop
      .getByTestId('token-prob-note')
      .getByText(/greedy \(temperature 0\) always takes the most likely token/)
      .waitFor();
    const alts = pop.getByTestId('token-alternative');
    const top = tokens[i].modelTop!;
    assert.equal(await alts.count(), top.length);
    assert.equal(top.length, 5);
    for (let j = 0; j < top.length; j++) {
      const row = alts.nth(j);
      assert.equal(Number(await row.getAttribute('data-prob')), top[j].prob, `alternative ${j} of token ${i}`);
      assert.equal(await row.getAttribute('data-token'), top[j].text);
      await row.getByText(formatProb(top[j].prob), { exact: true }).waitFor();
    }
    // Greedy decoding (temperature 0): the sampler takes the model's most likely token, always.
    assert.equal(tokens[i].prob, 1);
    assert.ok(Math.abs(tokens[i].modelProb! - top[0].prob) < 1e-6);
  }
  // The keyboard reaches the same popover: focus the reply's tokens, move with the arrow keys.
  await page.mouse.move(0, 0);
  await page.getByTestId('token-popover').waitFor({ state: 'detached' });
  await lastAssistant().getByTestId('token-text').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(Number(await page.getByTestId('token-popover').getByTestId('token-prob').getAttribute('data-prob')), tokens[1].prob);
  await page.keyboard.press('Escape');
  await page.getByTestId('token-popover').waitFor({ state: 'detached' });
  // Confidence colouring tints every token by its band.
  await page.getByRole('switch', { name: 'Confidence colours' }).click();
  await page.getByLabel('Confidence colour legend').waitFor();
  const firstBand = await lastAssistant().locator('[data-token-index="0"]').getAttribute('class');
  const p0 = tokens[0].modelProb!; // coloured by the model's own probability
  assert.match(firstBand!, p0 >= 0.8 ? /emerald/ : p0 >= 0.5 ? /lime/ : p0 >= 0.2 ? /amber/ : /red/);
  await page.screenshot({ path: join(shots, 'chat-tokens-light.png') });
  await page.getByRole('switch', { name: 'Confidence colours' }).click();
  await page.getByRole('switch', { name: 'Tokens' }).click();
});

test('stop keeps the partial reply; regenerate adds a branch; the switcher moves between them', async () => {
  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 1000 } });
  const beforePoem = await lastAssistantId();
  await send('Now write a very long poem about the sea');
  // Stop as soon as the first text is on screen.
  await page.locator('[data-testid="message-assistant"][data-status="streaming"] .md').filter({ hasText: /\S/ }).waitFor();
  await page.getByRole('button', { name: 'Stop generating' }).click();
  assert.equal(await replyDone(beforePoem), 'stopped');
  await lastAssistant().getByTestId('message-stopped').waitFor();
  const stoppedId = (await lastAssistant().getAttribute('data-message-id'))!;
  const stopped = await storedMessage(stoppedId);
  assert.equal(stopped.status, 'stopped');
  assert.equal(stopped.stats?.stopReason, 'stopped');
  assert.ok(stopped.tokens!.length < 1000, 'it stopped before the cap');

  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 24 } });
  await lastAssistant().getByRole('button', { name: 'Regenerate reply' }).click();
  assert.equal(await replyDone(stoppedId), 'complete');
  const regenId = (await lastAssistant().getAttribute('data-message-id'))!;
  assert.notEqual(regenId, stoppedId);
  const switcher = lastAssistant().getByTestId('branch-switcher');
  await switcher.getByText('2/2').waitFor();
  const regen = await storedMessage(regenId);
  assert.equal(regen.parentId, stopped.parentId, 'a regenerated reply is a sibling');

  await switcher.getByRole('button', { name: 'Previous branch' }).click();
  await page.locator(`[data-message-id="${stoppedId}"]`).getByTestId('branch-switcher').getByText('1/2').waitFor();
  assert.equal((await stored()).currentLeafId, stoppedId, 'the branch choice is saved in the core');
  await lastAssistant().getByRole('button', { name: 'Next branch' }).click();
  await page.locator(`[data-message-id="${regenId}"]`).waitFor();
});

test('edit a user message: a new branch with its own reply; switching back shows the old one', async () => {
  const original = lastUser();
  const originalId = (await original.getAttribute('data-message-id'))!;
  const beforeEdit = await lastAssistantId();
  await original.getByRole('button', { name: 'Edit message' }).click();
  await page.getByLabel('Edited message text').fill('Tell me about zebras and their stripes');
  await page.getByLabel('Edited message text').press('Enter');
  await lastUser().getByText('Tell me about zebras and their stripes').waitFor();
  assert.equal(await replyDone(beforeEdit), 'complete');
  const editedId = (await lastUser().getAttribute('data-message-id'))!;
  assert.notEqual(editedId, originalId);
  await lastUser().getByTestId('branch-switcher').getByText('2/2').waitFor();
  const edited = await storedMessage(editedId);
  assert.equal(edited.parentId, (await storedMessage(originalId)).parentId, 'the edit is a sibling of the original');

  await lastUser().getByRole('button', { name: 'Previous branch' }).click();
  await page.locator(`[data-message-id="${originalId}"]`).getByText('Now write a very long poem about the sea').waitFor();
  await lastUser().getByTestId('branch-switcher').getByText('1/2').waitFor();
  assert.equal(await page.getByText('Tell me about zebras and their stripes').count(), 0);
});

test('search finds a message in another branch and opens it', async () => {
  const search = page.getByRole('searchbox', { name: 'Search chats' });
  await page.keyboard.press('Control+K');
  // Ctrl+K goes to Chat and focuses the box once the screen has rendered: wait for that, not a moment.
  await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
  assert.equal(await search.evaluate((el) => el === document.activeElement), true, 'Ctrl+K focuses the chat search box');
  await page.keyboard.type('zebras');
  const hit = page.getByTestId('search-hit').filter({ hasText: 'Streaming in Chromium' });
  await hit.getByText('zebras').waitFor();
  await hit.first().click();
  await page.locator('[data-testid="message-user"]').getByText('Tell me about zebras and their stripes').waitFor();
  await search.fill('');
  await page.getByRole('list', { name: 'Chat sessions' }).waitFor();
  // A word nobody wrote finds nothing.
  await search.fill('xylophonequartz');
  await page.getByText('No messages match.').waitFor();
  await search.fill('');
});

test('export Markdown and JSON; import the JSON back with hostile markdown: sanitised, highlighted', async () => {
  const exportAs = async (label: string) => {
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: label }).click()]);
    const path = join(dir.path, download.suggestedFilename());
    await download.saveAs(path);
    return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
  };
  const md = await exportAs('Markdown (.md)');
  assert.match(md.name, /\.md$/);
  assert.ok(md.text.includes('Tell me about zebras and their stripes'), 'the Markdown has the thread shown');
  assert.match(
    md.text,
    /the branch shown \(\d+ of \d+ messages\)\. The JSON export holds every branch\./,
    'and says it holds only that branch',
  );
  assert.equal(md.text, (await api.api.chat.export({ sessionId, format: 'markdown' })).content);
  const json = await exportAs('JSON (re-importable)');
  assert.match(json.name, /\.json$/);

  // Put hostile markdown into the reply shown (the current leaf), then import it through the UI.
  const hostile =
    'Look: <img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2) <script>window.__pwned=3</script>\n\n```js\nconst answer = 42;\n```\n\n**bold** and `code` and [a site](https://example.com/x)';
  const doc = JSON.parse(json.text) as { currentLeafId: string; messages: { id: string; content: string; tokens: unknown }[] };
  const leaf = doc.messages.find((m) => m.id === doc.currentLeafId)!;
  leaf.content = hostile;
  leaf.tokens = null;
  const file = join(dir.path, 'hostile.json');
  writeFileSync(file, JSON.stringify(doc));
  const before = (await api.api.sessions.list()).length;
  await page.getByTestId('import-chat-input').setInputFiles(file);
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Chat sessions"] li').length === n + 1, before);
  const shown = page.locator('.md').filter({ hasText: 'Look:' });
  await shown.waitFor();
  assert.equal(await shown.locator('img, script, [onerror]').count(), 0);
  assert.equal(await shown.locator('a[href^="javascript"]').count(), 0);
  await shown.getByText('<img src=x onerror="window.__pwned=1">', { exact: false }).waitFor(); // shown as text
  assert.ok((await shown.locator('code.hljs.language-js span.hljs-keyword').count()) >= 1, 'code is highlighted');
  await shown.locator('strong').getByText('bold').waitFor();
  // Ordinary links open outside the app, never in its window.
  await shown.locator('a[href="https://example.com/x"][target="_blank"][rel="noopener noreferrer"]').getByText('a site').waitFor();
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  const imported = (await api.api.sessions.list()).find((x) => x.id !== sessionId && x.title === 'Streaming in Chromium (imported)');
  assert.ok(imported, 'the import is a new session, titled so it can be told from the original');
  await page.getByRole('list', { name: 'Chat sessions' }).getByText('Streaming in Chromium (imported)').waitFor();
  assert.equal((await api.api.chat.get({ sessionId: imported.id })).messages.length, (await stored()).messages.length);
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('kill -9 and restart the host: the session, its branches and the branch shown are intact', async () => {
  const beforeView = await stored();
  const threadIds = beforeView.path;
  api.close();
  await host.kill9();
  host = await spawnHostProcess({ dataDir: dir.path, db });
  api = connectApi(host);
  page = await openApp(browser, host);
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.locator(`[data-message-id="${threadIds.at(-1)}"]`).waitFor();
  const shownIds = await page.locator('article[data-message-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')));
  assert.deepEqual(shownIds, threadIds);
  const afterView = await stored();
  assert.deepEqual(
    afterView.messages.map((m: ChatMessage) => [m.id, m.parentId, m.role, m.content, m.status]),
    beforeView.messages.map((m: ChatMessage) => [m.id, m.parentId, m.role, m.content, m.status]),
  );
  await lastUser().getByTestId('branch-switcher').getByText('2/2').waitFor();
  await page.screenshot({ path: join(shots, 'chat-thread-light.png') });
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.locator('html.dark').waitFor({ state: 'attached' });
  await page.screenshot({ path: join(shots, 'chat-thread-dark.png') });
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await page.waitForFunction(() => !document.documentElement.classList.contains('dark'));
});

test('the model worker crashes mid-reply: a banner says so, the reply is marked, and chat recovers', async () => {
  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 1000 } });
  const beforeCrash = await lastAssistantId();
  await send('One more long story, please');
  await page.locator('[data-testid="message-assistant"][data-status="streaming"] .md').filter({ hasText: /\S/ }).waitFor();
  await api.api.workers.crashForTest({ worker: 'model' });
  const banner = page.getByTestId('chat-banner');
  await banner.getByText(/crashed/).waitFor();
  const status = await replyDone(beforeCrash);
  assert.ok(status === 'failed' || status === 'interrupted', `the cut reply is marked (${status})`);
  await lastAssistant().locator('[data-testid="message-error"], [data-testid="message-interrupted"]').waitFor();
  await banner.getByText(/restarted/).waitFor();

  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 16 } });
  const beforeBack = await lastAssistantId();
  await send('Are you back?');
  assert.equal(await replyDone(beforeBack), 'complete');
  await lastAssistant().getByTestId('message-stats').waitFor();
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('kill -9 mid-reply: after a restart the cut reply is kept, marked interrupted, and can be regenerated', async () => {
  page = await openApp(browser, host);
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.getByRole('log', { name: 'Messages' }).waitFor();
  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 1000 } });
  const beforeKill = await lastAssistantId();
  await send('Tell the longest story you know');
  await page.locator('[data-testid="message-assistant"][data-status="streaming"] .md').filter({ hasText: /\S/ }).waitFor();
  const cutId = (await lastAssistantId())!;
  assert.notEqual(cutId, beforeKill);
  // Kill only once the core has saved part of the reply (it saves the in-flight text every ~250 ms);
  // each streamed delta is a moment to look again.
  let saved = '';
  while (!saved) {
    const ended = nextEvent(
      api,
      'chat.message',
      (e: { message: ChatMessage }) => e.message.id === cutId && e.message.status !== 'streaming',
    );
    await Promise.race([nextEvent(api, 'chat.delta', (d: { messageId: string }) => d.messageId === cutId), ended]);
    saved = (await storedMessage(cutId)).content;
  }
  await page.context().close();
  api.close();
  await host.kill9();

  host = await spawnHostProcess({ dataDir: dir.path, db });
  api = connectApi(host);
  page = await openApp(browser, host);
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  const cut = page.locator(`[data-message-id="${cutId}"]`);
  await cut.and(page.locator('[data-status="interrupted"]')).waitFor();
  await cut.getByTestId('message-interrupted').waitFor();
  const m = await storedMessage(cutId);
  assert.equal(m.status, 'interrupted');
  // What was saved before the kill is what the page shows, token by token.
  assert.ok(m.content.startsWith(saved) && m.tokens && m.tokens.length > 0, 'what was saved before the kill is kept');
  await page.getByRole('switch', { name: 'Tokens' }).click();
  assert.equal((await cut.locator('[data-token-index]').allTextContents()).join(''), m.content);
  await page.getByRole('switch', { name: 'Tokens' }).click();
  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 16 } });
  await cut.getByRole('button', { name: 'Regenerate reply' }).click();
  assert.equal(await replyDone(cutId), 'complete');
  await lastAssistant().getByTestId('branch-switcher').getByText('2/2').waitFor();
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});
