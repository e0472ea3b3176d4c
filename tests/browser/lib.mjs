// What the browser tests share: the server they test, checks that report a
// line each, the pages they open and what those pages show, and the
// browser itself, at one size and colour scheme a run.
// BS_VIEWPORT (WIDTHxHEIGHT, 1280x900 unless set) and BS_SCHEME (light or
// dark) choose the run's; BS_SHOTS, a directory, gets a screenshot of each
// state a test names with shot().
import { chromium } from 'playwright-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const size = /^(\d+)x(\d+)$/.exec(process.env.BS_VIEWPORT || '1280x900');
export const VIEWPORT = { width: Number(size?.[1] || 1280), height: Number(size?.[2] || 900) };
export const SCHEME = process.env.BS_SCHEME === 'dark' ? 'dark' : 'light';
const LABEL = `[${VIEWPORT.width} ${SCHEME}] `;
const SHOTS = process.env.BS_SHOTS || '';

export const BASE = (process.argv[2] || process.env.BASE || '').replace(/\/+$/, '');
if (!BASE) {
  console.error('usage: node TEST.test.mjs http://127.0.0.1:PORT (or BASE=... in the environment)');
  process.exit(2);
}
export const SRC = fileURLToPath(new URL('../..', import.meta.url));
export const ENDPOINT = '/cgi-bin/blogsearch.cgi';
export const WORD = 'виртуализация';
export const TIMEOUT = 15000;

let passed = 0, failed = 0;
export const problems = [];   // what happened on a page that no check asked about

export class Fail extends Error {}
export function expect(cond, msg) {
  if (!cond)
    throw new Fail(msg);
}

export async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    passed++;
    console.log(`ok   ${LABEL}${name}${detail ? ': ' + detail : ''} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${LABEL}${name}: ${e instanceof Fail ? e.message : e.stack || e}`);
  }
}

// The JSON answer for these parameters, asked for directly.
export async function json(request, params) {
  const p = new URLSearchParams(params);
  p.set('format', 'json');
  const res = await request.get(`${BASE}${ENDPOINT}?${p}`);
  expect(res.ok(), `the endpoint answered ${res.status()} to ${p}`);
  return res.json();
}

// A page that records any dialog (a script the page ran that it should
// not have) and any uncaught error in its scripts.
export async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.dialogs = [];
  page.on('dialog', (d) => {
    page.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => problems.push(`a script error on ${page.url()}: ${e.message}`));
  return page;
}

// Waits until the search box has answered the search that the page's URL
// now describes: want maps a parameter to its value, an array for all its
// values, or null for absent.
export async function settled(page, want) {
  try {
    await page.waitForFunction((want) => {
      const p = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(want)) {
        if (v === null ? p.has(k) : Array.isArray(v) ? p.getAll(k).join('\n') !== v.join('\n')
                                                     : p.get(k) !== v)
          return false;
      }
      const s = document.querySelector('.bs-search')?.dataset.state;
      return s === 'done' || s === 'error';
    }, want, { timeout: TIMEOUT });
  } catch (e) {
    const where = await page.evaluate(() => [location.search,
      document.querySelector('.bs-search')?.dataset.state,
      document.querySelector('.bs-error')?.textContent]).catch(() => []);
    throw new Fail(`no answer for ${JSON.stringify(want)} (the page is at ${where[0]}, ` +
                   `state ${where[1]}, error "${where[2] || ''}")`);
  }
  const err = await page.textContent('.bs-error');
  expect(!err, `the page shows an error: ${err}`);
}

// What the page shows now.
export async function shown(page) {
  return page.evaluate(() => {
    const num = (s, re) => { const m = re.exec(s || ''); return m ? Number(m[1]) : null; };
    const summary = document.querySelector('.bs-summary')?.textContent || '';
    return {
      summary,
      total: /Ничего не найдено/.test(summary) ? 0 : num(summary, /Найдено:\s*(\d+)/),
      pager: document.querySelector('.bs-pages span')?.textContent.trim() || '',
      results: [...document.querySelectorAll('.bs-results .bs-result')].map((li) => ({
        title: li.querySelector('h2 a')?.textContent ?? '',
        titleHTML: li.querySelector('h2 a')?.innerHTML ?? '',
        url: li.querySelector('h2 a')?.getAttribute('href') ?? '',
        date: li.querySelector('time')?.getAttribute('datetime') ?? null,
        day: li.querySelector('time')?.textContent ?? null,
        tags: [...li.querySelectorAll('.bs-tag')].map((a) => a.textContent.trim()),
        marks: [...li.querySelectorAll('.bs-snippet mark')].map((m) => m.textContent),
      })),
      chips: [...document.querySelectorAll('.bs-facets .bs-chip')].map((a) => ({
        tag: a.firstChild?.textContent.trim() ?? '',
        count: Number(a.querySelector('span')?.textContent),
        active: a.classList.contains('bs-chip-active'),
      })),
      filters: [...document.querySelectorAll('.bs-filters .bs-filter')].map((b) => b.textContent),
    };
  });
}

export const lower = (s) => s.toLowerCase();
export const hasTag = (r, tag) => r.tags.map(lower).includes(lower(tag));
// A snippet's highlights, cut out of its text by code points.
export const marked = (sn) => sn.highlights.map(([s, n]) => Array.from(sn.text).slice(s, s + n).join(''));


// A screenshot of the page as it is now, named for the run and the state.
export async function shot(page, name) {
  if (!SHOTS)
    return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${VIEWPORT.width}-${SCHEME}-${name}.png`), fullPage: false });
}

// axe-core's WCAG 2.1 A and AA rules over the page: the violations, one line each.
export async function axe(page) {
  await page.addScriptTag({ path: join(SRC, 'tests/browser/node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.map((x) => `${x.id}: ${x.nodes.length} (${x.nodes[0]?.target})`));
}

// Runs the checks of run(context) in a fresh headless chromium at the run's
// size and scheme, then reports and exits: status 1 when any failed.
export async function browse(title, run) {
  const t0 = Date.now();
  const profile = await mkdtemp(join(tmpdir(), 'bs-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      locale: 'ru-RU',
      viewport: VIEWPORT,
      colorScheme: SCHEME,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await run(context);
    await check('no script errors on any page', async () => {
      expect(!problems.length, problems.join('; '));
    });
  } catch (e) {
    failed++;
    console.log(`FAIL ${LABEL}the browser: ${e.stack || e}`);
  } finally {
    await context?.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  }
  console.log(`${title} ${LABEL}${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(failed ? 1 : 0);
}
