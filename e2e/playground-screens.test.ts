// The Playground tabs and the Files screen with results on them (a tagging run with metrics and items
// chosen for a dataset, a map-reduce summary of a document, a compare of base against an adapter), at
// the smallest window (1024×700) and a large one (1600×1000), light and dark: nothing drawn over
// anything else (e2e/support/layout.ts), and a screenshot of each under test-results/screens/ to look
// at. The runs are written to the store as finished runs leave them, so no model has to generate.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { defaultSampling } from '../electron/core/api/chat.ts';
import { sentences } from '../electron/core/docs/fixtures.ts';
import { tagMetrics } from '../electron/core/playground/metrics.ts';
import { PlaygroundStore } from '../electron/core/store/playground.ts';
import { ensureTestModels } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startAppWithModel } from './support/app.ts';
import { repoRoot, type TestHost } from './support/host.ts';
import { findOverlaps, formatOverlaps } from './support/layout.ts';

const out = join(repoRoot, 'test-results', 'screens');
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1600, height: 1000 },
];
let host: TestHost;
let browser: Browser;
const hashes: Record<string, string> = {};

before(async () => {
  mkdirSync(out, { recursive: true });
  let api;
  ({ host, api, browser } = await startAppWithModel((await ensureTestModels()).miniQ8));
  const model = (await api.api.models.list()).find((m) => m.active)!;
  const store = new PlaygroundStore(host.core.db);

  const labels = ['positive', 'negative', 'neutral'];
  const texts = [
    'I love this phone, the battery lasts for days and the screen is bright even in the sun.',
    'Terrible service, I will never come back.',
    'The package arrived on Tuesday.',
    'Best concert of my life!',
    'The screen cracked after one week, and support took a month to answer a single email.',
    'It is a blue box.',
  ];
  const gold = [0, 1, 2, 0, 1, 2].map((k) => [labels[k]]);
  const predicted = [0, 1, 1, 0, 2, 2].map((k) => [labels[k]]);
  const tag = store.create({
    kind: 'tag',
    title: 'Tag 6 items as positive / negative / neutral',
    config: {
      kind: 'tag',
      labels: labels.map((name) => ({ name })),
      multiLabel: false,
      instruction: 'What is the sentiment?',
      modelId: model.id,
      modelName: model.name,
      parallel: 4,
      sampling: defaultSampling,
      adapter: null,
    },
    items: texts.map((input, index) => ({ index, input, gold: gold[index] })),
  });
  for (const [i, l] of predicted.entries())
    store.setItem(tag.id, i, 0, {
      status: 'done',
      output: {
        kind: 'tag',
        labels: l,
        confidence: { [l[0]]: 0.42 + i / 20 },
        raw: JSON.stringify({ labels: l }),
        generatedTokens: 7,
        ms: 120,
      },
    });
  store.finish(
    tag.id,
    'complete',
    tagMetrics(
      labels,
      false,
      predicted.map((p, i) => ({ gold: gold[i], predicted: p })),
      3.2,
    ),
    null,
  );
  hashes.tag = `#/playground/tag/${tag.id}`;

  const path = join(host.dataDir, 'report.md');
  writeFileSync(path, `# Harbor report\n\n${Array.from({ length: 6 }, (_, i) => sentences(6, i + 3)).join('\n\n')}`);
  const { document: doc } = await api.api.documents.add({ path });
  const sum = store.create({
    kind: 'summarize',
    title: `Summary of ${doc.name}`,
    config: {
      kind: 'summarize',
      length: 'medium',
      style: 'paragraph',
      modelId: model.id,
      modelName: model.name,
      documentId: doc.id,
      documentName: doc.name,
      chunkTokens: 0,
      adapter: null,
    },
    documentId: doc.id,
    items: [0, 1, 2].map((index) => ({ index, input: sentences(6, index + 3) })),
  });
  for (const index of [0, 1, 2])
    store.setItem(sum.id, index, 0, {
      status: 'done',
      output: { kind: 'chunk', level: 0, inputTokens: 610, summary: sentences(2, index + 30), generatedTokens: 41, ms: 2100 },
    });
  const summary = sentences(4, 77);
  store.setPartial(sum.id, summary);
  store.finish(
    sum.id,
    'complete',
    { kind: 'summarize', summary, mode: 'map-reduce', chunks: 3, levels: 0, documentTokens: 1830, ms: 9400 },
    null,
  );
  hashes.summarize = `#/playground/summarize/${sum.id}`;
  hashes.files = `#/files/${doc.id}`;

  const cmp = store.create({
    kind: 'compare',
    title: 'Compare 2 configurations on 2 inputs',
    config: {
      kind: 'compare',
      columns: [
        {
          label: `A · ${model.name}`,
          modelId: model.id,
          modelName: model.name,
          systemPrompt: '',
          sampling: { ...defaultSampling, temperature: 0 },
          adapter: null,
        },
        {
          label: `B · ${model.name} + support-tone`,
          modelId: model.id,
          modelName: model.name,
          systemPrompt: 'Answer briefly.',
          sampling: { ...defaultSampling, temperature: 0 },
          adapter: { adapterId: 'a1', name: 'support-tone', scale: 0.8 },
        },
      ],
    },
    items: ['Write a haiku about rivers.', 'Name three colours.'].flatMap((input, index) => [0, 1].map((col) => ({ index, col, input }))),
  });
  for (const index of [0, 1])
    for (const col of [0, 1])
      store.setItem(cmp.id, index, col, {
        status: 'done',
        output: {
          kind: 'cell',
          text: sentences(2 + col, index * 3 + col),
          promptTokens: 14,
          generatedTokens: 30,
          ms: 800,
          tokensPerSecond: 37.5,
        },
      });
  store.finish(
    cmp.id,
    'complete',
    { kind: 'compare', columns: [0, 1].map(() => ({ generatedTokens: 60, ms: 1600, tokensPerSecond: 37.5 })) },
    null,
  );
  hashes.compare = `#/playground/compare/${cmp.id}`;
});

for (const colorScheme of ['light', 'dark'] as const)
  for (const viewport of SIZES)
    test(`Playground and Files with results, ${viewport.width}×${viewport.height}, ${colorScheme}: nothing overlaps`, async () => {
      const page = await openApp(browser, host, { colorScheme, viewport });
      const problems: string[] = [];
      for (const [name, hash] of Object.entries(hashes)) {
        await page.goto(`${host.url}${hash}`);
        const ready = name === 'files' ? page.getByTestId('summary-view') : page.locator('[data-testid="run-bar"][data-status="complete"]');
        await ready.first().waitFor();
        if (name === 'tag') await page.getByLabel('Choose every tagged item').check();
        if (name === 'compare') await page.getByRole('table', { name: 'Side by side' }).scrollIntoViewIfNeeded();
        const overlaps = await findOverlaps(page);
        if (overlaps.length) problems.push(`${name}:\n${formatOverlaps(overlaps)}`);
        await page.screenshot({
          path: join(
            out,
            `${name === 'files' ? 'files' : `playground-${name}`}-results-${viewport.width}x${viewport.height}-${colorScheme}.png`,
          ),
          fullPage: false,
        });
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(pageErrors(page), []);
      await page.context().close();
    });
