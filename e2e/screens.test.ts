// Every screen at the smallest window (1024×700) and a large one (1600×1000), light and dark: nothing
// drawn over anything else (checked from bounding boxes, e2e/support/layout.ts), and a screenshot of
// each under test-results/screens/ to look at. The chat is shown with messages and with its settings
// panel open, where the header used to crowd.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { openGguf } from '../electron/core/engine/gguf/index.ts';
import { Tokenizer } from '../electron/core/engine/models/gemma3/tokenizer.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { PRESETS } from '../test-support/synth/index.ts';
import { connectApi } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';
import { findOverlaps, formatOverlaps } from './support/layout.ts';

const out = join(repoRoot, 'test-results', 'screens');
const SCREENS = ['chat', 'playground', 'files', 'inspect', 'datasets', 'finetune', 'models', 'settings'];
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1600, height: 1000 },
];

let host: TestHost;
let api: ApiClient;
let browser: Browser;
let sessionId: string;

before(async () => {
  mkdirSync(out, { recursive: true });
  const modelPath = await ensureRealVocabModel('small');
  host = await startTestHost();
  api = connectApi(host);
  const model = await api.api.models.import({ path: modelPath });
  await api.api.models.setActive({ id: model.id });
  // A chat with a few messages, written instantly through import (no generation needed), its reply
  // in the model's own tokens (made-up probabilities).
  const file = openGguf(modelPath);
  const tokenizer = new Tokenizer(file.metadata);
  file.close();
  const t0 = Date.now() - 60_000;
  const tokens = (text: string) =>
    tokenizer.encode(text, { addBos: false }).map((id) => {
      const w = tokenizer.decode([id]);
      return { id, text: w, prob: 0.6, top: [{ text: w, prob: 0.6 }], modelProb: 0.4, modelTop: [{ text: w, prob: 0.4 }] };
    });
  const reply =
    'Rivers form where rain and melting snow gather into streams that join on their way downhill, carving valleys over thousands of years.';
  const session = await api.api.chat.import({
    content: JSON.stringify({
      format: 'glassbox.chat',
      version: 1,
      session: { title: 'How do rivers form, and where does all that water finally end up?' },
      config: {
        systemPrompt: 'You are a geography teacher.',
        sampling: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0, repeatPenalty: 1, seed: 7, maxTokens: 200 },
      },
      messages: [
        { id: 'u1', parentId: null, role: 'user', content: 'How do rivers form?', status: 'complete', createdAt: t0 },
        {
          id: 'a1',
          parentId: 'u1',
          role: 'assistant',
          content: reply,
          status: 'complete',
          createdAt: t0 + 1000,
          tokens: tokens(reply),
          stats: {
            model: model.name,
            promptTokens: 30,
            generatedTokens: tokens(reply).length,
            tokensPerSecond: 41.5,
            timeToFirstTokenMs: 120,
            durationMs: 700,
            stopReason: 'maxTokens',
            contextSize: PRESETS['rv-small'].contextLength,
            contextUsed: 30 + tokens(reply).length,
            sampling: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0, repeatPenalty: 1, seed: 7, maxTokens: tokens(reply).length },
            droppedTurns: 2,
          },
        },
      ],
    }),
  });
  sessionId = session.id;
  browser = await launchBrowser();
});
after(async () => {
  api?.close();
  await browser?.close();
  await host?.stop();
});

/** Screenshot and overlap check of what is on screen; returns the problems found (all screens are checked before failing). */
async function check(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: join(out, `${name}.png`) });
  const overlaps = await findOverlaps(page);
  return overlaps.length ? [`${name}: ${overlaps.length} overlaps\n${formatOverlaps(overlaps)}`] : [];
}

for (const size of SIZES) {
  for (const theme of ['light', 'dark'] as const) {
    test(`every screen at ${size.width}×${size.height}, ${theme}: nothing overlaps`, async () => {
      const page = await openApp(browser, host, { viewport: size, colorScheme: theme, hash: `#/chat/${sessionId}` });
      try {
        await page.getByTestId('message-assistant').waitFor();
        const problems: string[] = [];
        for (const id of SCREENS) {
          await goToScreen(page, id);
          problems.push(...(await check(page, `${id}-${size.width}x${size.height}-${theme}`)));
        }
        await goToScreen(page, 'chat');
        await page.getByRole('button', { name: 'Chat settings' }).click();
        await page.getByRole('complementary', { name: 'Chat settings' }).waitFor();
        problems.push(...(await check(page, `chat-settings-${size.width}x${size.height}-${theme}`)));
        await page.getByRole('button', { name: 'Close chat settings' }).click();
        assert.deepEqual(problems, []);
        assert.deepEqual(pageErrors(page), []);
      } finally {
        await page.context().close();
      }
    });
  }
}
