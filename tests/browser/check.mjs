// Loads wom report.html files in headless Chromium with every network request
// refused, and fails on a console error, a refused request, a figure that does not
// render, a headline number missing from the answer, or horizontal overflow at
// phone width (390 px) or on an A4 page. Usage: node check.mjs SPEC.json, where
// SPEC is {"pages": [{"html": "/abs/report.html", "expect": ["94.8", ...]}]}.
// Run by tests/report_browser.rs; see docs/outputs.md.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const browser = await chromium.launch({
  executablePath: process.env.WOM_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run'],
});
const failures = [];
// A4 minus the report's 14 mm side margins, in CSS pixels (96 per inch).
const A4_CONTENT = Math.floor((210 - 28) / 25.4 * 96);

async function open(url, width, problems) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, offline: true });
  const page = await context.newPage();
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    problems.push(`request refused: ${u}`);
    return route.abort();
  });
  page.on('request', (r) => { if (r.url() !== url) problems.push(`request made: ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page };
}

for (const p of spec.pages) {
  const url = pathToFileURL(p.html).href;
  const problems = [];
  // Phone width: no horizontal scrolling, every figure drawn, the answer's numbers.
  const phone = await open(url, 390, problems);
  const seen = await phone.page.evaluate(() => {
    const figures = [...document.querySelectorAll('figure')].map((f) => {
      const svg = f.querySelector('svg');
      const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return { id: f.id, width: r.width, height: r.height,
               title: svg && svg.querySelector('title') ? svg.querySelector('title').textContent : '',
               drawn: svg ? svg.querySelectorAll('text, line, polyline, rect, circle, path').length : 0 };
    });
    return {
      answer: (document.getElementById('answer') || {}).textContent || '',
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      figures,
      scripts: document.querySelectorAll('script').length,
      externals: [...document.querySelectorAll('[src], link[href], [href^="http"]')].length,
      thWithoutScope: [...document.querySelectorAll('th:not([scope])')].length,
      headings: document.querySelectorAll('h1').length,
    };
  });
  if (seen.scrollWidth > seen.innerWidth) problems.push(`horizontal overflow at 390 px: page is ${seen.scrollWidth} px wide`);
  if (seen.figures.length === 0 && !p.no_figures) problems.push('no figure');
  for (const f of seen.figures) {
    if (!(f.width > 0 && f.height > 0)) problems.push(`figure ${f.id} not rendered (${f.width} x ${f.height})`);
    if (!f.title) problems.push(`figure ${f.id} has no <title>`);
    if (f.drawn < 10) problems.push(`figure ${f.id} draws almost nothing (${f.drawn} elements)`);
  }
  for (const e of p.expect) if (!seen.answer.includes(e)) problems.push(`answer lacks "${e}": ${seen.answer}`);
  if (seen.scripts) problems.push(`${seen.scripts} <script> elements`);
  if (seen.externals) problems.push(`${seen.externals} elements with src or external href`);
  if (seen.thWithoutScope) problems.push(`${seen.thWithoutScope} <th> without scope`);
  if (seen.headings !== 1) problems.push(`${seen.headings} <h1> headings`);
  if (p.phone_png) await phone.page.screenshot({ path: p.phone_png, fullPage: !!p.full_page });
  await phone.context.close();
  // Desktop width, then print on A4: nothing wider than the page.
  const desk = await open(url, 1280, problems);
  if (p.desktop_png) await desk.page.screenshot({ path: p.desktop_png, fullPage: !!p.full_page });
  await desk.page.setViewportSize({ width: A4_CONTENT, height: 1000 });
  await desk.page.emulateMedia({ media: 'print' });
  const print = await desk.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('.table-wrap, figure, pre')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.id || e.className || e.tagName),
  }));
  if (print.scrollWidth > A4_CONTENT) problems.push(`print: page is ${print.scrollWidth} px wide, A4 holds ${A4_CONTENT}`);
  for (const w of print.wide) problems.push(`print: ${w} is cut at the A4 width`);
  for (const format of ['A4', 'Letter']) {
    const pdf = await desk.page.pdf({ format });
    if (pdf.length < 1000) problems.push(`print to ${format} gave ${pdf.length} bytes`);
  }
  await desk.context.close();
  const name = p.html;
  if (problems.length) failures.push({ page: name, problems });
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}${problems.map((x) => `\n     ${x}`).join('')}`);
}
await browser.close();
console.log(`${spec.pages.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
