// The widget: an empty <div class="bs-search"> in a page of a blog's own
// theme (theme/index.html, with a stylesheet that styles every element),
// made into the search box by search.js, in a real browser against
// blogsearch.cgi behind lighttpd (tests/web/browser.sh runs this).
// Usage: node widget.test.mjs BASE, with BS_VIEWPORT, BS_SCHEME and
// BS_SHOTS as lib.mjs says.
import { BASE, WORD, expect, check, json, newPage, settled, shown, shot, axe,
         browse, VIEWPORT, SCHEME } from './lib.mjs';

const PAGE = `${BASE}/theme/`;

// The computed style of the first element matching sel, as [prop, value].
async function style(page, sel, props) {
  return page.$eval(sel, (e, props) => {
    const cs = getComputedStyle(e);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }, props);
}

// The colour the site gave a custom property, as the browser computes it.
async function colourOf(page, value) {
  return page.evaluate((value) => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.appendChild(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  }, value);
}

async function run(context) {
  const request = context.request;
  const page = await newPage(context);
  let found = null;

  await check('(w1) an empty <div> becomes the search box, and searches', async () => {
    await page.goto(PAGE);
    await page.waitForSelector('.bs-search[data-state="idle"] form.bs-form input[name=q]');
    const title = await page.title();
    await page.locator('.bs-search input[name=q]').pressSequentially(WORD, { delay: 30 });
    await settled(page, { q: WORD });
    const s = await shown(page), j = await json(request, { q: WORD });
    expect(s.total === j.total && s.results.length === j.results.length,
           `shown ${s.results.length} of ${s.total}, the JSON has ${j.results.length} of ${j.total}`);
    expect(s.results.every((r, i) => r.title === j.results[i].title),
           'the titles are not the JSON\'s, in its order');
    expect(await page.title() === title, `the page's title became "${await page.title()}"`);
    const form = await page.$$eval('.bs-search form', (f) => f.map((x) => x.getAttribute('action')));
    expect(form.length === 1 && form[0] === '/cgi-bin/blogsearch.cgi', `forms: ${form.join(', ')}`);
    found = j;
    await shot(page, 'widget-results');
    return `${s.total} results in the theme's sidebar`;
  });

  await check('(w2) the theme\'s stylesheet does not break it; its custom properties style it', async () => {
    expect(found, 'needs (w1)');
    const box = await page.$eval('.bs-search', (e) => {
      const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
      const over = [...e.querySelectorAll('*')].filter((x) => {
        const b = x.getBoundingClientRect();
        return b.width && (b.right > r.right + 0.5 || b.left < r.left - 0.5);
      }).map((x) => x.className || x.tagName);
      const input = e.querySelector('input[name=q]').getBoundingClientRect();
      return { width: r.width, parent: p.width, over, input: input.width };
    });
    expect(!box.over.length, `elements wider than the widget: ${box.over.slice(0, 5).join(', ')}`);
    expect(box.width <= box.parent + 0.5, `the widget is ${box.width} px in a ${box.parent} px column`);
    expect(box.input >= box.width * 0.75, `the box is ${box.input} px of ${box.width}`);
    const clipped = await page.$$eval('.bs-search button, .bs-search select, .bs-search .bs-chip',
      (els) => els.filter((x) => x.offsetParent && x.scrollWidth > x.clientWidth + 1)
        .map((x) => `${x.tagName} "${x.textContent.trim().slice(0, 20)}" ${x.clientWidth} px`));
    expect(!clipped.length, `cut off by the theme's rules: ${clipped.join(', ')}`);
    const accent = await colourOf(page, '#6a1b9a');
    const link = await style(page, '.bs-result h2 a', ['color', 'text-decoration-style']);
    expect(link.color === accent, `a title link is ${link.color}, the site's --bs-accent ${accent}`);
    const button = await style(page, '.bs-form button', ['background-color', 'border-top-left-radius']);
    expect(button['background-color'] === accent, `the button is ${button['background-color']}`);
    expect(button['border-top-left-radius'] === '0px', `the site's --bs-radius: 0 gave ${button['border-top-left-radius']}`);
    const font = await style(page, '.bs-search input[name=q]', ['font-family', 'font-size']);
    expect(/Georgia/.test(font['font-family']), `the box's font is ${font['font-family']}, not the site's --bs-font`);
    expect(parseFloat(font['font-size']) >= 16, `the box's text is ${font['font-size']} (the theme's input rule won)`);
    const mark = await style(page, '.bs-snippet mark', ['background-color']);
    expect(!/rgba\(0, 0, 0, 0\)|transparent/.test(mark['background-color']),
           `a highlight has no background (${mark['background-color']}): the theme's mark rule won`);
    const list = await style(page, '.bs-results', ['list-style-type', 'padding-left']);
    expect(list['list-style-type'] === 'none' && list['padding-left'] === '0px',
           `the results list: ${JSON.stringify(list)}`);
    const small = await page.$$eval('.bs-search a, .bs-search button, .bs-search input, .bs-search select',
      (els) => els.filter((x) => x.offsetParent && (x.getBoundingClientRect().height < 24))
        .map((x) => `${x.className || x.tagName} ${x.getBoundingClientRect().height.toFixed(0)} px`));
    expect(!small.length, `targets under 24 px: ${small.slice(0, 5).join(', ')}`);
    return `${box.width.toFixed(0)} px wide, accent ${accent}, font ${font['font-family'].split(',')[0]}`;
  });

  await check('(w3) "показать ещё" adds the next page under the first', async () => {
    expect(found, 'needs (w1)');
    expect(found.total > 10, `${found.total} results: no second page to add`);
    const more = page.locator('.bs-pages .bs-load-more');
    expect(await more.count() === 1, 'no "Показать ещё" button');
    expect(!(await page.$('.bs-pages .bs-page-numbers')), 'numbered pages beside "Показать ещё"');
    const before = (await shown(page)).results.length;
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('.bs-result').length > n &&
                                      document.querySelector('.bs-search').dataset.state === 'done',
                               before);
    const s = await shown(page), j2 = await json(request, { q: WORD, page: 2 });
    const titles = s.results.map((r) => r.title);
    const want = found.results.concat(j2.results).map((r) => r.title);
    expect(titles.join('|') === want.join('|'), `shown ${titles.length}, pages 1 and 2 hold ${want.length}`);
    expect(s.summary.includes(`1–${want.length}`), `the summary says "${s.summary}"`);
    const focused = await page.evaluate(() => [...document.querySelectorAll('.bs-result')]
      .indexOf(document.activeElement?.closest('.bs-result')));
    expect(focused === before, `the focus is on result ${focused}, not the first one added (${before})`);
    expect(!new URLSearchParams(new URL(page.url()).search).has('page'), `the URL holds a page: ${page.url()}`);
    const left = found.total > want.length;
    expect((await more.count() === 1) === left, `"Показать ещё" ${left ? 'gone' : 'still there'} with ` +
                                                 `${found.total - want.length} left`);
    return `${before} → ${titles.length} of ${found.total}`;
  });

  await check('(w4) light or dark as the box says, the reader\'s system, or the site', async () => {
    const bg = async () => (await style(page, '.bs-search', ['background-color']))['background-color'];
    const dark = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return r + g + b < 200; };
    const pinned = await bg();
    await page.$eval('.bs-search', (e) => e.removeAttribute('data-theme'));
    const auto = await bg();
    await page.$eval('.bs-search', (e) => e.setAttribute('data-theme', 'dark'));
    const forced = await bg();
    await page.$eval('.bs-search', (e) => e.setAttribute('data-theme', 'light'));
    expect(!dark(pinned), `the page's data-theme="light" gave ${pinned}`);
    expect(dark(auto) === (SCHEME === 'dark'), `with no data-theme and the system ${SCHEME}, ${auto}`);
    expect(dark(forced), `data-theme="dark" gave ${forced}`);
    return `light ${pinned}; ${SCHEME} system, no data-theme: ${auto}; dark ${forced}`;
  });

  await check('(w5) accessibility of the page with the widget (axe-core, WCAG 2.1 AA)', async () => {
    const p = await newPage(context);
    await p.goto(`${PAGE}?q=${encodeURIComponent(WORD)}`);
    await settled(p, { q: WORD });
    const v = await axe(p);
    await p.close();
    expect(!v.length, v.join('; '));
    return `0 violations at ${VIEWPORT.width} px`;
  });

  await check('(w6) two boxes on a page: the first keeps the URL, the second leaves it alone', async () => {
    const p = await newPage(context);
    await p.goto(PAGE);
    await p.waitForSelector('.bs-search[data-state="idle"]');
    await p.evaluate(() => {
      const d = document.createElement('div');
      d.className = 'bs-search';
      d.id = 'second';
      d.setAttribute('data-endpoint', '/cgi-bin/blogsearch.cgi');
      document.querySelector('main').appendChild(d);
      window.blogsearch.mount(d);
    });
    await p.locator('#second input[name=q]').fill('docker');
    await p.waitForFunction(() => document.querySelector('#second').dataset.state === 'done');
    const url = new URL(p.url());
    const n = await p.$$eval('#second .bs-result', (x) => x.length);
    const href = await p.$eval('#second .bs-result .bs-tag', (a) => a.getAttribute('href'));
    await p.close();
    expect(n > 0, 'the second box found nothing');
    expect(!url.search, `the second box changed the URL: ${url.search}`);
    expect(href.startsWith('/cgi-bin/blogsearch.cgi?'), `its tag link goes to ${href}, not the endpoint's page`);
    return `${n} results, the URL left alone, links to the endpoint's page`;
  });
}

await browse('widget:', run);
