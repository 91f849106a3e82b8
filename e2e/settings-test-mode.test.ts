// The Settings "Ping" buttons and "Run a test job" are test tools: shown only when the core runs in
// test mode (GLASSBOX_TEST=1, or the host's --test-mode flag), never to a user.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { connectApi } from './support/api.ts';
import { launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, tempDir } from './support/host.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('without test mode Settings shows the processes but no Ping or test job; with it, both, and the test job runs', async () => {
  for (const testMode of [false, true]) {
    const host = await startTestHost({ testMode });
    const page = await openApp(browser, host, { hash: '#/settings', colorScheme: 'dark', viewport: { width: 1024, height: 700 } });
    try {
      await page.getByTestId('worker-row-model').waitFor();
      await page.getByTestId('worker-row-engine').waitFor();
      const ping = page.getByRole('button', { name: 'Ping model worker' });
      const job = page.getByRole('button', { name: 'Run a test job' });
      if (!testMode) {
        assert.equal(await ping.count(), 0, 'no Ping outside test mode');
        assert.equal(await job.count(), 0, 'no test job outside test mode');
        await page.getByTestId('worker-row-model').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(repoRoot, '.cache', 'screenshots', 'settings-processes-dark.png') });
        continue;
      }
      await ping.click();
      await page
        .getByTestId('ping-result-model')
        .getByText(/pong from pid \d+/)
        .waitFor();
      await job.click();
      await page.getByTestId('test-job').getByText('done').waitFor({ timeout: 30_000 });
      assert.deepEqual(pageErrors(page), []);
    } finally {
      await page.context().close();
      await host.stop();
    }
  }
});

/** Starts the host CLI with extra arguments and GLASSBOX_TEST unset; resolves with its ready line and a stop. */
function startCli(args: string[]): Promise<{ origin: string; token: string; stop(): Promise<void> }> {
  const data = tempDir();
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.GLASSBOX_TEST;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'electron/server/cli.ts'), '--port', '0', '--data-dir', data.path, ...args],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('GLASSBOX_READY ')) return;
      const ready = JSON.parse(line.slice('GLASSBOX_READY '.length)) as { origin: string; token: string };
      resolve({ ...ready, stop: async () => (child.kill('SIGTERM'), await exited, data.cleanup()) });
    });
  });
}

test("the host's --test-mode flag turns test mode on; without it (and without GLASSBOX_TEST) it is off", async () => {
  for (const [args, expected] of [
    [['--test-mode'], true],
    [[], false],
  ] as const) {
    const host = await startCli([...args]);
    const api = connectApi(host);
    try {
      const status = await api.api.system.status({});
      assert.equal(status.testMode, expected, `args ${JSON.stringify(args)}`);
      if (!expected) {
        await assert.rejects(api.api.workers.crashForTest({ worker: 'model' }), /only in test mode/);
      }
    } finally {
      api.close();
      await host.stop();
    }
  }
});
