// Debian's Chromium driven by playwright-core. Never downloads a browser: /usr/bin/chromium is
// installed by .ci/run (apt-get install chromium).
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium, noChromiumMessage } from '../../scripts/find-chromium.mjs';

export const CHROMIUM_PATH = findChromium() ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!findChromium()) throw new Error(noChromiumMessage());
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the app as a user would (the printed URL) and waits until the shell is up and connected. */
export async function openApp(
  browser: Browser,
  host: { url: string },
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; hash?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { glassboxErrors?: string[] }).glassboxErrors = errors;
  await page.goto(host.url + (options.hash ?? ''));
  await page.getByTestId('status-connection').getByText('Connected').waitFor();
  return page;
}

/** Uncaught errors the page threw since it opened (a test can assert there were none). */
export function pageErrors(page: Page): string[] {
  return (page as Page & { glassboxErrors?: string[] }).glassboxErrors ?? [];
}

/** Goes to a screen by its sidebar button (ids: chat, playground, files, inspect, datasets, finetune, models, settings). */
export async function goToScreen(page: Page, id: string): Promise<void> {
  await page.locator(`nav [data-screen="${id}"]`).click();
  await page.locator(`main[data-screen-active="${id}"]`).waitFor();
}
