// The setup most UI specs share: an in-process host with a model imported and active, an API client
// over the same WebSocket the UI uses, and Chromium. All of it is stopped when the test file ends.
import { after } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../../renderer/src/api/client.ts';
import { connectApi } from './api.ts';
import { launchBrowser } from './browser.ts';
import type { HostOptions } from '../../electron/server/host.ts';
import { startTestHost, type TestHost } from './host.ts';

export interface AppWithModel {
  host: TestHost;
  api: ApiClient;
  browser: Browser;
}

// Registered when this module loads, at the test file's top level (an `after` inside a `before`
// would run as soon as that hook ends).
const started: AppWithModel[] = [];
after(async () => {
  for (const { api, browser, host } of started.splice(0)) {
    api.close();
    await browser.close();
    await host.stop();
  }
});

/** A host (an empty library), an API client and Chromium, stopped when the test file ends. */
export async function startApp(options: HostOptions = {}): Promise<AppWithModel> {
  const host = await startTestHost(options);
  const api = connectApi(host);
  const browser = await launchBrowser();
  started.push({ host, api, browser });
  return { host, api, browser };
}

export async function startAppWithModel(modelPath: string): Promise<AppWithModel> {
  const { host, api, browser } = await startApp();
  const model = await api.api.models.import({ path: modelPath });
  await api.api.models.setActive({ id: model.id });
  return { host, api, browser };
}
