// The search box (www/) in a real browser: Debian's chromium, headless,
// driven by playwright-core, against blogsearch.cgi behind lighttpd
// (tests/web/server.sh starts them; tests/web/browser.sh runs this).
// Usage: node search.test.mjs BASE   (or BASE=http://127.0.0.1:PORT), with
// BS_VIEWPORT, BS_SCHEME and BS_SHOTS as lib.mjs says.
// Each check prints a line; any failure makes the exit status 1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE, SRC, ENDPOINT, WORD, TIMEOUT, expect, check, json, newPage, settled, shown,
         hasTag, marked, shot, axe, browse } from './lib.mjs';

async function run(context) {
  const request = context.request;
  const page = await newPage(context);
  let before = null;   // what (1) found, for (2) and (3)
  let narrowed = null;

  await check(`(1) typing "${WORD}" shows highlighted results`, async () => {
    await page.goto(`${BASE}/search/`);
    await page.waitForSelector('.bs-search[data-state="idle"]');
    await page.locator('input[name=q]').pressSequentially(WORD, { delay: 40 });
    await settled(page, { q: WORD });
    const s = await shown(page), j = await json(request, { q: WORD });
    expect(s.results.length >= 1, `no results shown for ${WORD}`);
    expect(s.total === j.total, `the summary says ${s.total} ("${s.summary}"), the JSON total is ${j.total}`);
    expect(s.results.length === j.results.length,
           `${s.results.length} results shown, the JSON has ${j.results.length}`);
    const marks = s.results.flatMap((r) => r.marks);
    expect(marks.length >= 1, 'no <mark> in the snippets');
    const odd = marks.filter((m) => !/^виртуализ/i.test(m));
    expect(!odd.length, `marked words that are not forms of ${WORD}: ${odd.join(', ')}`);
    // each result's marks are exactly its highlights, counted in code points
    s.results.forEach((r, i) => {
      const want = marked(j.results[i].snippet);
      expect(JSON.stringify(r.marks) === JSON.stringify(want),
             `result ${i + 1}: marked ${JSON.stringify(r.marks)}, the highlights say ${JSON.stringify(want)}`);
    });
    expect(s.chips.length >= 1, 'no tag chips');
    before = s;
    return `${s.total} results, ${marks.length} marks`;
  });

  await check('(2) a tag chip narrows the results', async () => {
    expect(before, 'needs (1)');
    const chip = before.chips.find((c) => c.count < before.total && !c.active);
    expect(chip, `no chip counts fewer than ${before.total} posts`);
    await page.locator('.bs-facets .bs-chip', { hasText: chip.tag }).first().click();
    await settled(page, { q: WORD, tag: [chip.tag] });
    const s = await shown(page), j = await json(request, { q: WORD, tag: chip.tag });
    expect(s.total === chip.count, `the chip said ${chip.count}, the summary says ${s.total}`);
    expect(s.total === j.total, `the summary says ${s.total}, the JSON total is ${j.total}`);
    const without = s.results.filter((r) => !hasTag(r, chip.tag)).map((r) => r.title);
    expect(!without.length, `results without the tag ${chip.tag}: ${without.join('; ')}`);
    expect(s.filters.some((f) => f.includes(chip.tag)), `no removable filter for ${chip.tag}`);
    expect(s.chips.some((c) => c.active && c.tag === chip.tag), `the chip ${chip.tag} is not marked active`);
    narrowed = chip;
    return `tag=${chip.tag}: ${before.total} → ${s.total}`;
  });

  await check('(3) removing the filter restores the results', async () => {
    expect(narrowed, 'needs (2)');
    await page.locator('.bs-filters .bs-filter', { hasText: narrowed.tag }).click();
    await settled(page, { q: WORD, tag: [] });
    const s = await shown(page);
    expect(s.total === before.total, `${s.total} results, before the filter ${before.total}`);
    expect(!s.filters.length, `filters still shown: ${s.filters.join(', ')}`);
    return `${s.total} again`;
  });

  await check('(4) the date filter keeps posts from that day on', async () => {
    const since = '2020-01-01';
    await page.fill('input[name=since]', since);
    await settled(page, { q: WORD, since });
    const s = await shown(page), j = await json(request, { q: WORD, since });
    expect(s.results.length >= 1, `nothing since ${since}`);
    expect(s.total === j.total, `the summary says ${s.total}, the JSON total is ${j.total}`);
    expect(s.total < before.total, `since ${since} still ${s.total} of ${before.total}`);
    const early = s.results.filter((r) => !r.date || r.date.slice(0, 10) < since);
    expect(!early.length, `results before ${since}: ${early.map((r) => `${r.title} (${r.date})`).join('; ')}`);
    await page.fill('input[name=since]', '');
    await settled(page, { q: WORD, since: null });
    expect((await shown(page)).total === before.total, 'clearing the date did not restore the results');
    return `${s.total} of ${before.total} since ${since}`;
  });

  await check('(5) paging, and a reload keeps the page', async () => {
    await page.goto(`${BASE}/search/?q=${encodeURIComponent(WORD)}&per_page=3`);
    await settled(page, { q: WORD, per_page: '3', page: null });
    const one = await shown(page);
    expect(await page.inputValue('input[name=q]') === WORD, 'the box does not show the query from the URL');
    expect(one.results.length === 3, `${one.results.length} results on a page of 3`);
    expect(/Страница 1 из \d/.test(one.pager), `the pager says "${one.pager}"`);
    await page.click('.bs-pages a[rel=next]');
    await settled(page, { q: WORD, per_page: '3', page: '2' });
    const two = await shown(page), j = await json(request, { q: WORD, per_page: 3, page: 2 });
    expect(/Страница 2 из/.test(two.pager), `the pager says "${two.pager}"`);
    const urls1 = one.results.map((r) => r.url), urls2 = two.results.map((r) => r.url);
    expect(urls2.length && urls2.every((u) => !urls1.includes(u)), `page 2 repeats page 1: ${urls2}`);
    expect(JSON.stringify(urls2) === JSON.stringify(j.results.map((r) => r.url)),
           'page 2 is not the JSON page 2');
    expect(/Показаны 4–/.test(two.summary), `the summary says "${two.summary}"`);
    await page.reload();
    await settled(page, { q: WORD, page: '2' });
    const again = await shown(page);
    expect(JSON.stringify(again.results.map((r) => r.url)) === JSON.stringify(urls2),
           'after a reload page 2 shows other results');
    await page.click('.bs-pages a[rel=prev]');
    await settled(page, { q: WORD, page: null });
    expect(JSON.stringify((await shown(page)).results.map((r) => r.url)) === JSON.stringify(urls1),
           'back on page 1, other results');
    return `${one.pager} → ${two.pager}`;
  });

  await check('(6) markup in titles and queries stays text', async () => {
    const text = await readFile(join(SRC, 'data/samples/kak-ekranirovat-script.rst'), 'utf8');
    const title = /^\.\. title: (.*)$/m.exec(text)[1].trim();
    expect(title.includes('<script>'), `the sample's title has no <script>: ${title}`);
    const scripts = await page.evaluate(() => document.scripts.length);
    await page.fill('input[name=q]', 'экранировать script');
    await settled(page, { q: 'экранировать script' });
    const s = await shown(page);
    const hit = s.results.find((r) => r.title === title);
    expect(hit, `no result titled ${title}: ${s.results.map((r) => r.title).join('; ')}`);
    expect(hit.title.includes('<script>'), `the link text is ${hit.title}`);
    expect(hit.titleHTML.replace(/<\/?mark>/g, '').includes('&lt;script&gt;'),
           `the title's markup is ${hit.titleHTML}`);
    expect(/<mark>экранировать<\/mark>/.test(hit.titleHTML),
           `the query's word is not marked in the title: ${hit.titleHTML}`);
    const q = '<script>alert(1)</script>';
    await page.fill('input[name=q]', q);
    await settled(page, { q });
    expect(await page.inputValue('input[name=q]') === q, 'the box lost the query');
    await page.waitForTimeout(300);   // a script that got in would have run by now
    const n = await page.evaluate(() => [document.querySelectorAll('.bs-results script').length,
                                         document.scripts.length]);
    expect(n[0] === 0, `${n[0]} script elements in the results`);
    expect(n[1] === scripts, `the page had ${scripts} scripts, now ${n[1]}`);
    expect(!page.dialogs.length, `a dialog opened: ${page.dialogs.join('; ')}`);
    return `"${title}" shown as text, no dialog`;
  });

  await check('(7) without JavaScript the form goes to the results page', async () => {
    const plain = await context.browser().newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
    try {
      const p = await newPage(plain);
      await p.goto(`${BASE}/search/`);
      await p.fill('input[name=q]', WORD);
      await Promise.all([p.waitForURL((u) => u.pathname === ENDPOINT), p.click('button[type=submit]')]);
      expect(new URL(p.url()).searchParams.get('q') === WORD, `landed on ${p.url()}`);
      const first = await shown(p);
      expect(first.results.length >= 1, 'no .bs-result on the results page');
      expect(await p.locator('.bs-result mark').count() >= 1, 'no <mark> on the results page');
      expect(first.total === before?.total, `the page says ${first.total}, the box said ${before?.total}`);
      const link = p.locator('.bs-result .bs-tag').first();
      const tag = (await link.textContent()).trim();
      await Promise.all([p.waitForURL((u) => u.searchParams.getAll('tag').includes(tag)), link.click()]);
      const s = await shown(p), j = await json(request, { q: WORD, tag });
      expect(s.total === j.total, `the page says ${s.total}, the JSON total is ${j.total}`);
      expect(s.total <= first.total, `${s.total} results with tag ${tag}, more than ${first.total}`);
      const without = s.results.filter((r) => !hasTag(r, tag)).map((r) => r.title);
      expect(!without.length, `results without the tag ${tag}: ${without.join('; ')}`);
      expect(!p.dialogs.length, `a dialog opened: ${p.dialogs.join('; ')}`);
      return `${first.total} results, tag=${tag}: ${s.total}`;
    } finally {
      await plain.close();
    }
  });

  await check('(8) highlights count code points; a late answer is ignored', async () => {
    // The endpoint faked: "a" answers late and must lose to "ab"; "ab"
    // has characters outside the BMP before its highlights.
    const p = await newPage(context);
    const text = '😀😀 Виртуализация и 🐳 docker 🎉';
    const answer = (q, title, snippet) => JSON.stringify({
      query: q, total: 1, offset: 0, limit: 10, page: 1, pages: 1, per_page: 10,
      results: [{ rank: 1, url: '/posts/x/', title, slug: 'x', date: null, tags: ['t'],
                  category: '', score: 1, snippet }],
      facets: { tags: [{ tag: 't', count: 1 }] }, links: {}, took_ms: 0 });
    await p.route((u) => u.pathname === ENDPOINT, async (route) => {
      const q = new URL(route.request().url()).searchParams.get('q');
      if (q === 'a')
        await new Promise((r) => setTimeout(r, 1500));
      const body = q === 'a' ? answer(q, 'STALE', { text: 'stale', highlights: [] })
                             : answer(q, 'fresh', { text, highlights: [[3, 13], [21, 6]] });
      await route.fulfill({ status: 200, contentType: 'application/json', body }).catch(() => {});
    });
    await p.goto(`${BASE}/search/`);
    await p.waitForSelector('.bs-search[data-state="idle"]');
    await p.locator('input[name=q]').pressSequentially('a');
    await p.waitForSelector('.bs-search[data-state="loading"]');
    await p.locator('input[name=q]').pressSequentially('b');
    await settled(p, { q: 'ab' });
    await p.waitForTimeout(1800);   // past the late answer
    const s = await shown(p);
    expect(s.results.length === 1 && s.results[0].title === 'fresh',
           `shown: ${s.results.map((r) => r.title).join('; ')}`);
    expect(JSON.stringify(s.results[0].marks) === JSON.stringify(['Виртуализация', 'docker']),
           `marked ${JSON.stringify(s.results[0].marks)}`);
    const snippet = await p.textContent('.bs-snippet');
    expect(snippet === text, `the snippet reads "${snippet}"`);
    await p.close();
    return 'marks right after emoji, "a" dropped';
  });

  await check('(8b) a word on the other layout: what was searched, and a way back', async () => {
    const typed = 'dbhnefkbpfwbz';          // виртуализация on the Latin layout
    await page.fill('input[name=q]', typed);
    await settled(page, { q: typed, exact: null });
    const line = (await page.textContent('.bs-correction')) || '';
    const j = await json(request, { q: typed });
    expect(j.corrected_query === WORD, `the JSON's corrected_query is ${j.corrected_query}`);
    expect(line.includes(`Показаны результаты для «${WORD}»`), `the line says "${line}"`);
    let s = await shown(page);
    expect(s.total === j.total && s.total > 0, `${s.total} shown, the JSON has ${j.total}`);
    await page.locator('.bs-correction a').click();
    await settled(page, { q: typed, exact: '1' });
    s = await shown(page);
    expect(s.total === 0, `as typed, ${s.total} results`);
    const after = ((await page.textContent('.bs-correction')) || '').trim();
    expect(!after, `as typed, the line still says "${after}"`);
    await page.fill('input[name=q]', `${typed} docker`);
    await settled(page, { q: `${typed} docker`, exact: null });
    const again = (await page.textContent('.bs-correction')) || '';
    expect(again.includes(`«${WORD} docker»`), `new words are not corrected again: "${again}"`);
    return `"${typed}" → "${WORD}" (${j.total}), as typed 0`;
  });

  await check('(8c) a name no post spells in Cyrillic: both spellings, and a way back', async () => {
    const typed = `${WORD} докер`;
    await page.fill('input[name=q]', typed);
    await settled(page, { q: typed, exact: null });
    const line = (await page.textContent('.bs-correction')) || '';
    const j = await json(request, { q: typed });
    expect(j.also_searched === 'docker', `the JSON's also_searched is ${j.also_searched}`);
    expect(line.includes('Искали также «docker»'), `the line says "${line}"`);
    let s = await shown(page);
    expect(s.total === j.total && s.total > 0, `${s.total} shown, the JSON has ${j.total}`);
    await page.locator('.bs-correction a').click();
    await settled(page, { q: typed, exact: '1' });
    const after = ((await page.textContent('.bs-correction')) || '').trim();
    expect(!after, `as typed, the line still says "${after}"`);
    s = await shown(page);
    expect(s.total < j.total, `as typed ${s.total}, with docker ${j.total}`);
    return `"${typed}": docker beside (${j.total}), as typed ${s.total}`;
  });

  await check('(8d) dates as a Russian reader reads them, and the labels', async () => {
    await page.fill('input[name=q]', WORD);
    await settled(page, { q: WORD });
    const s = await shown(page);
    const months = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
                    'сентября', 'октября', 'ноября', 'декабря'];
    const dated = s.results.filter((r) => r.date);
    expect(dated.length > 0, 'no dated result');
    for (const r of dated) {
      const [y, m, d] = r.date.slice(0, 10).split('-').map(Number);
      const want = `${d} ${months[m - 1]} ${y}`;
      expect(r.day === want, `${r.date} shown as "${r.day}", want "${want}"`);
    }
    const labels = await page.evaluate(() => [
      document.querySelector('input[name=since]').getAttribute('aria-label'),
      document.querySelector('input[name=until]').getAttribute('aria-label'),
      [...document.querySelectorAll('select[name=sort] option')].map((o) => o.textContent)]);
    expect(labels[0] === 'с даты' && labels[1] === 'по дату', `date labels ${labels}`);
    expect(labels[2].join('|') === 'по релевантности|сначала новые', `sort labels ${labels[2]}`);
    return `${dated.length} dates, e.g. ${dated[0].day}`;
  });

  await check('(8d-en) a page in English: English dates', async () => {
    const p = await newPage(context);
    await p.route((u) => u.pathname === '/search/', async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace('<html lang="ru">', '<html lang="en">');
      await route.fulfill({ response: res, body });
    });
    await p.goto(`${BASE}/search/?q=${encodeURIComponent(WORD)}`);
    await settled(p, { q: WORD });
    const s = await shown(p);
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                    'September', 'October', 'November', 'December'];
    const r = s.results.find((x) => x.date);
    expect(r, 'no dated result');
    const [y, m, d] = r.date.slice(0, 10).split('-').map(Number);
    expect(r.day === `${months[m - 1]} ${d}, ${y}`, `${r.date} shown as "${r.day}"`);
    await p.close();
    return r.day;
  });

  await check('(8g) a tag and no words: its posts, newest first', async () => {
    const p = await newPage(context);
    await p.goto(`${BASE}/search/?tag=docker`);
    await settled(p, { tag: ['docker'] });
    const s = await shown(p);
    const j = await json(request, { tag: 'docker' });
    expect(s.total === j.total && s.total > 0, `${s.total} shown, the JSON has ${j.total}`);
    expect(s.results.every((r) => r.tags.map((t) => t.toLowerCase()).includes('docker')),
           `a post without the tag: ${s.results.map((r) => r.tags.join(',')).join(' | ')}`);
    const dates = s.results.map((r) => r.date).filter(Boolean);
    const order = dates.map((d) => Date.parse(d));
    expect(order.every((t, i) => i === 0 || order[i - 1] >= t), `not newest first: ${dates}`);
    await p.close();
    return `${s.total} posts, newest ${dates[0]}`;
  });

  await check('(8h) a phone (390 × 844): the first result in view, few chips, 24 px targets', async () => {
    const p = await newPage(context);
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(`${BASE}/search/?q=${encodeURIComponent('docker')}`);
    await settled(p, { q: 'docker' });
    const m = await p.evaluate(() => {
      const first = document.querySelector('.bs-result h2');
      const chips = [...document.querySelectorAll('.bs-facets .bs-chip')];
      const small = [...document.querySelectorAll('.bs-search a, .bs-search button, .bs-search input, .bs-search select')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => [e.textContent.trim() || e.name || e.tagName, e.getBoundingClientRect().height])
        .filter(([, h]) => h < 24);
      return { bottom: first ? first.getBoundingClientRect().bottom : Infinity,
               shown: chips.filter((c) => c.getClientRects().length > 0).length, all: chips.length,
               more: document.querySelector('.bs-facets .bs-more')?.textContent || '', small };
    });
    expect(m.bottom <= 844, `the first result's title ends ${m.bottom} px down`);
    expect(m.all <= 6 || (m.shown <= 6 && m.more === `ещё ${m.all - m.shown}`),
           `${m.shown} of ${m.all} chips shown, the button says "${m.more}"`);
    expect(!m.small.length, `targets under 24 px: ${m.small.map(([t, h]) => `${t} ${h}`).join('; ')}`);
    if (m.more) {
      await p.locator('.bs-facets .bs-more').click();
      const open = await p.$$eval('.bs-facets .bs-chip', (c) => c.filter((x) => x.getClientRects().length > 0).length);
      expect(open === m.all, `after "${m.more}": ${open} of ${m.all}`);
    }
    await p.close();
    return `title ends at ${Math.round(m.bottom)} px; chips ${m.shown}/${m.all}`;
  });

  await check('(8i) dark: the whole page, not only the column', async () => {
    const p = await newPage(context);
    await p.setViewportSize({ width: 1280, height: 800 });
    const colors = async () => p.evaluate(() => [getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.querySelector('.bs-search')).backgroundColor]);
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.goto(`${BASE}/search/?q=${encodeURIComponent(WORD)}`);
    await settled(p, { q: WORD });
    const dark = await colors();
    await p.emulateMedia({ colorScheme: 'light' });
    const light = await colors();
    await p.close();
    expect(dark[0] === dark[1] && dark[0] === 'rgb(13, 17, 23)', `dark: page ${dark[0]}, column ${dark[1]}`);
    expect(light[0] === light[1] && light[0] === 'rgb(255, 255, 255)', `light: page ${light[0]}, column ${light[1]}`);
    return `${dark[0]} / ${light[0]}`;
  });

  await check('(8j) numbered pages: 1 2 3 … and the current one marked', async () => {
    const p = await newPage(context);
    await p.goto(`${BASE}/search/?q=docker&per_page=1&page=3`);
    await settled(p, { q: 'docker', page: '3' });
    const j = await json(request, { q: 'docker', per_page: '1', page: '3' });
    const nums = await p.$$eval('.bs-page-numbers > *', (e) => e.map((x) =>
      [x.textContent, x.tagName, x.getAttribute('aria-current')]));
    const want = [];
    for (let n = 1; n <= j.pages; n++)
      if (n === 1 || n === j.pages || Math.abs(n - 3) <= 2 || n <= 5) want.push(String(n));
      else if (want[want.length - 1] !== '…') want.push('…');
    expect(nums.map((x) => x[0]).join(' ') === want.join(' '), `pages ${nums.map((x) => x[0]).join(' ')}, want ${want.join(' ')}`);
    const cur = nums.find((x) => x[2] === 'page');
    expect(cur && cur[0] === '3' && cur[1] === 'SPAN', `the current page: ${cur}`);
    await p.locator('.bs-page-numbers a', { hasText: /^5$/ }).click();
    await settled(p, { q: 'docker', page: '5' });
    const s = await shown(p);
    expect(/Страница 5 из/.test(s.pager), `after clicking 5: "${s.pager}"`);
    await p.goto(`${BASE}${ENDPOINT}?q=docker&per_page=1&page=3&format=html`);
    const html = await p.$$eval('.bs-pages > a, .bs-pages > span', (e) => e.map((x) => x.textContent.trim()));
    expect(html.join(' ').includes(want.join(' ')), `the endpoint's page: ${html.join(' ')}`);
    await p.close();
    return `${want.join(' ')} of ${j.pages}`;
  });

  await check('(8k) a post\'s category is a filter', async () => {
    const p = await newPage(context);
    await p.goto(`${BASE}/search/?q=${encodeURIComponent(WORD)}`);
    await settled(p, { q: WORD });
    const cat = await p.$eval('.bs-result .bs-category', (a) => a.textContent).catch(() => '');
    expect(cat, 'no result shows a category');
    await p.locator('.bs-result .bs-category', { hasText: cat }).first().click();
    await settled(p, { q: WORD, category: cat });
    const s = await shown(p);
    const j = await json(request, { q: WORD, category: cat });
    expect(s.total === j.total && s.total > 0, `${s.total} shown, the JSON has ${j.total}`);
    const filters = s.filters.join(' | ');
    expect(filters.includes(cat), `the filters say "${filters}"`);
    await p.close();
    return `«${cat}»: ${s.total}`;
  });

  await check('(8m) a post\'s author is shown, and is a filter that can be dropped', async () => {
    const p = await newPage(context);
    await p.goto(`${BASE}/search/?q=docker`);
    await settled(p, { q: 'docker' });
    const j0 = await json(request, { q: 'docker' });
    const want = j0.results.map((r) => r.author);
    const got = await p.$$eval('.bs-result', (li) => li.map((x) => x.querySelector('.bs-author')?.textContent ?? ''));
    expect(got.join('|') === want.join('|'), `authors shown ${got.join(', ')}; the JSON's ${want.join(', ')}`);
    const author = want.find((a) => a);
    expect(author, 'no result has an author');
    await p.locator('.bs-result .bs-author', { hasText: author }).first().click();
    await settled(p, { q: 'docker', author });
    const s = await shown(p), j = await json(request, { q: 'docker', author });
    expect(s.total === j.total && s.total > 0 && s.total < j0.total,
           `${s.total} shown, the JSON has ${j.total} of ${j0.total}`);
    const others = j.results.filter((r) => r.author.toLowerCase() !== author.toLowerCase());
    expect(!others.length, `posts of other authors: ${others.map((r) => r.title).join('; ')}`);
    await p.locator('.bs-filters .bs-filter', { hasText: author }).click();
    await settled(p, { q: 'docker', author: null });
    const back = await shown(p);
    await p.close();
    expect(back.total === j0.total, `after dropping it: ${back.total} of ${j0.total}`);
    return `«${author}»: ${j0.total} → ${s.total} → ${back.total}`;
  });

  await check('(8n) completions of the word being typed: a list under the box, chosen with the keyboard', async () => {
    const p = await newPage(context);
    await p.goto(`${BASE}/search/`);
    await p.waitForSelector('.bs-search[data-state="idle"]');
    const typed = 'docker вирту';
    const res = await request.get(`${BASE}${ENDPOINT}?suggest=${encodeURIComponent(typed)}&format=json`);
    expect(res.ok(), `the endpoint answered ${res.status()} to suggest=`);
    const want = (await res.json()).words.map((w) => w.word).filter((w) => w.toLowerCase() !== 'вирту');
    expect(want.length >= 1, 'the endpoint completes «вирту» with nothing');
    await p.locator('input[name=q]').pressSequentially(typed, { delay: 30 });
    await p.waitForSelector('.bs-suggest li');
    await shot(p, 'suggest');
    const box = await p.$eval('input[name=q]', (i) => ({ expanded: i.getAttribute('aria-expanded'),
      controls: i.getAttribute('aria-controls'), role: i.getAttribute('role') }));
    const list = await p.$eval('.bs-suggest', (u) => ({ id: u.id, role: u.getAttribute('role'),
      words: [...u.querySelectorAll('.bs-suggest-word')].map((li) => li.firstChild.textContent) }));
    expect(box.role === 'combobox' && box.expanded === 'true' && box.controls === list.id && list.role === 'listbox',
           `the box ${JSON.stringify(box)}, the list ${list.id} ${list.role}`);
    expect(list.words.join('|') === want.join('|'), `listed ${list.words.join(', ')}; the endpoint's ${want.join(', ')}`);
    await p.keyboard.press('ArrowDown');
    const active = await p.evaluate(() => {
      const id = document.querySelector('input[name=q]').getAttribute('aria-activedescendant');
      return { id, selected: document.getElementById(id)?.getAttribute('aria-selected'),
               focus: document.activeElement?.name };
    });
    expect(active.id && active.selected === 'true' && active.focus === 'q',
           `↓: ${JSON.stringify(active)} (the focus stays in the box, the option marked)`);
    await p.keyboard.press('Enter');
    const q = `docker ${want[0]} `;
    await settled(p, { q });
    expect(await p.inputValue('input[name=q]') === q, `Enter left the box at "${await p.inputValue('input[name=q]')}"`);
    expect(await p.$eval('.bs-suggest', (u) => u.hidden), 'the list stays open after a choice');
    // Esc closes an open list and leaves the words; a second Esc empties the box
    await p.locator('input[name=q]').pressSequentially('вирт', { delay: 30 });
    await p.waitForSelector('.bs-suggest li');
    await p.keyboard.press('Escape');
    const after = { hidden: await p.$eval('.bs-suggest', (u) => u.hidden), value: await p.inputValue('input[name=q]') };
    expect(after.hidden && after.value === `${q}вирт`, `Esc: ${JSON.stringify(after)}`);
    await p.close();
    return `«вирту»: ${list.words.join(', ')}; ↓ Enter → "${q.trim()}"`;
  });

  await check('(8l) the first search says it is under way; later ones keep the results', async () => {
    const p = await newPage(context);
    let hold = null;
    await p.route((u) => u.pathname === ENDPOINT, async (route) => {
      if (hold)
        await hold;
      await route.continue();
    });
    let release;
    hold = new Promise((r) => { release = r; });
    await p.goto(`${BASE}/search/`);
    await p.fill('input[name=q]', WORD);
    await p.waitForFunction(() => document.querySelector('.bs-search').dataset.state === 'loading');
    const first = await p.textContent('.bs-summary');
    release();
    await settled(p, { q: WORD });
    const before = (await shown(p)).results.map((r) => r.title);
    hold = new Promise((r) => { release = r; });
    await p.fill('input[name=q]', 'docker');
    await p.waitForFunction(() => document.querySelector('.bs-search').dataset.state === 'loading');
    const during = (await shown(p)).results.map((r) => r.title);
    release();
    await settled(p, { q: 'docker' });
    await p.close();
    expect(first === 'Ищем…', `the first search says "${first}"`);
    expect(during.join('|') === before.join('|') && before.length > 0,
           `while the next answer comes: ${during.length} results, were ${before.length}`);
    return `"${first}", then ${during.length} results kept`;
  });

  await check('(8e) nothing found: the query repeated, and what to try', async () => {
    const q = 'кракозябрыщщ';
    await page.fill('input[name=q]', q);
    await settled(page, { q });
    const s = await shown(page);
    expect(s.total === 0, `${s.total} found`);
    expect(s.summary.includes(`«${q}»`), `the summary says "${s.summary}"`);
    const tips = await page.$$eval('.bs-tips li', (li) => li.map((x) => x.textContent));
    expect(tips.some((t) => /раскладк/.test(t)), `tips: ${tips.join('; ')}`);
    await page.fill('input[name=q]', WORD);
    await settled(page, { q: WORD });
    const gone = await page.$$('.bs-tips');
    expect(gone.length === 0, 'the tips stay with results shown');
    return tips.join(' / ');
  });

  await check('(8f) the keyboard: / to the box, arrows through the results, Esc', async () => {
    // a query the page does not show yet, so that settled waits for its answer
    await page.fill('input[name=q]', 'docker');
    await settled(page, { q: 'docker' });
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.name === 'q'), '/ did not focus the box');
    await page.keyboard.press('ArrowDown');
    const first = await page.evaluate(() => document.activeElement?.closest('.bs-result') ===
                                            document.querySelector('.bs-result'));
    expect(first, '↓ did not move to the first result');
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => [...document.querySelectorAll('.bs-result')]
      .indexOf(document.activeElement?.closest('.bs-result')));
    expect(second === 1, `↓ again: result ${second}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.name === 'q'), '↑ from the first did not go back to the box');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('q')
                                     && !document.querySelector('.bs-result'), null,
                               { timeout: TIMEOUT });
    expect(await page.inputValue('input[name=q]') === '', 'Esc left the box as it was');
    return '/, ↓ ↓ ↑ ↑, Esc';
  });

  // axe-core's WCAG 2.1 A and AA rules, in this run's size and scheme: the
  // empty page, a page of results and a page of none, and the endpoint's
  // own results page (without JavaScript) with results and with none; each
  // state's screenshot
  await check('(10) accessibility (axe-core, WCAG 2.1 AA)', async () => {
    const p = await newPage(context);
    const seen = [];
    const cgi = (q) => `${BASE}${ENDPOINT}?q=${encodeURIComponent(q)}&format=html`;
    for (const [name, q, url] of [['empty', null], ['results', WORD], ['nothing-found', 'кракозябрыщщ'],
                                  ['endpoint-results', null, cgi(WORD)],
                                  ['endpoint-nothing-found', null, cgi('кракозябрыщщ')]]) {
      await p.goto(url || `${BASE}/search/${q ? `?q=${encodeURIComponent(q)}` : ''}`);
      if (q)
        await settled(p, { q });
      await shot(p, name);
      const v = await axe(p);
      expect(!v.length, `${name}: ${v.join('; ')}`);
      seen.push(name);
    }
    await p.close();
    return `0 violations: ${seen.join(', ')}`;
  });
}

await browse('browser:', run);
