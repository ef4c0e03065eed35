// The top of a report.html as a PNG, offline, in Debian's headless Chromium:
// node tests/browser/screenshot.mjs OUT.png REPORT.html [WIDTH [HEIGHT]]
// (docs/outputs.md lists the commands that made docs/figures/report/).
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [out, html, width = '1280', height = '1000'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.WOM_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: +width, height: +height }, offline: true });
const page = await context.newPage();
const url = pathToFileURL(resolve(html)).href;
await page.route('**/*', (r) => (r.request().url() === url ? r.continue() : r.abort()));
await page.goto(url);
await page.screenshot({ path: out });
await browser.close();
