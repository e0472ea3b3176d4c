/* search.js: the search box. Results as you type, for the page of
 * index.html and for a widget in any page of a site:
 *
 *   <link rel="stylesheet" href="/search/search.css">
 *   <script src="/search/search.js" defer></script>
 *   <div class="bs-search" data-endpoint="/cgi-bin/blogsearch.cgi"></div>
 *
 * An element with a form of its own (index.html) works without this script
 * (the form goes to blogsearch.cgi and its HTML page); this only adds to it.
 * An empty one gets the same form. Either asks the endpoint for JSON, keeps
 * the search in the page's URL so that a reload or a shared link shows the
 * same results, and builds every element from data with textContent: a
 * post's title may hold markup, and must show as text. docs/widget.md has
 * the options (data-paging, data-location, data-suggest, data-theme). */
(function () {
  'use strict';

  var DEBOUNCE_MS = 200;
  var SUGGEST_MS = 120;          /* a shorter pause before the completions */
  var FACETS_SHOWN = 6;          /* the most frequent tags shown; "ещё N" opens the rest */
  var MAX_PER_PAGE = 50;

  if (!window.fetch || !window.URLSearchParams || !window.history.replaceState)
    return;   /* the plain form still works */

  var mounted = 0;         /* boxes on the page, for their elements' ids */
  var urlTaken = false;    /* one box keeps its search in the page's URL */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls)
      e.className = cls;
    if (text != null)
      e.textContent = String(text);
    return e;
  }

  function attrs(e, a) {
    Object.keys(a).forEach(function (k) { e.setAttribute(k, a[k]); });
    return e;
  }

  /* The form of index.html, for a widget's empty element. */
  function buildForm(root) {
    var f = attrs(el('form', 'bs-form'), { method: 'get', role: 'search',
      action: root.getAttribute('data-endpoint') || '/cgi-bin/blogsearch.cgi' });
    f.appendChild(attrs(el('input'), { type: 'search', name: 'q', maxlength: '128',
      autocomplete: 'off', 'aria-label': 'Что искать',
      placeholder: root.getAttribute('data-placeholder') || 'Поиск по блогу' }));
    [['since', 'с', 'с даты'], ['until', 'по', 'по дату']].forEach(function (d) {
      var l = el('label', null, d[1] + ' ');
      l.appendChild(attrs(el('input'), { type: 'date', name: d[0], 'aria-label': d[2] }));
      f.appendChild(l);
    });
    var sort = attrs(el('select'), { name: 'sort', 'aria-label': 'Порядок' });
    sort.appendChild(attrs(el('option', null, 'по релевантности'), { value: 'relevance' }));
    sort.appendChild(attrs(el('option', null, 'сначала новые'), { value: 'date' }));
    f.appendChild(sort);
    f.appendChild(attrs(el('input'), { type: 'hidden', name: 'format', value: 'html' }));
    f.appendChild(attrs(el('button', null, 'Найти'), { type: 'submit' }));
    root.insertBefore(f, root.firstChild);
    return f;
  }

  function mount(root) {
    if (root.bsMounted)
      return;
    root.bsMounted = true;
    root.classList.add('bs-search');
    var form = root.querySelector('form.bs-form');
    var widget = !form;
    if (widget) {
      root.classList.add('bs-widget');
      form = buildForm(root);
    }
    var id = 'bs' + ++mounted;
    /* the first box that does not say data-location="off" keeps the URL */
    var ownsUrl = root.getAttribute('data-location') !== 'off' && !urlTaken;
    urlTaken = urlTaken || ownsUrl;
    var loadMore = root.getAttribute('data-paging') === 'more';

    /* The endpoint is the site's to set in the HTML, never here. */
    var endpoint = new URL(root.getAttribute('data-endpoint') || form.getAttribute('data-endpoint') ||
                           form.getAttribute('action') || '/cgi-bin/blogsearch.cgi', document.baseURI);

    var input = form.elements.q, since = form.elements.since, until = form.elements.until,
        sort = form.elements.sort;
    var filtersEl = part('div', 'bs-filters'), errorEl = part('p', 'bs-error'),
        summaryEl = part('p', 'bs-summary'), facetsEl = part('nav', 'bs-facets'),
        resultsEl = part('ol', 'bs-results'), pagesEl = part('nav', 'bs-pages');
    /* what was done to the words goes just above the count, in a page that
     * lacks its place too */
    var correctionEl = root.querySelector('.bs-correction');
    if (!correctionEl)
      correctionEl = summaryEl.parentNode.insertBefore(el('p', 'bs-correction'), summaryEl);
    correctionEl.setAttribute('aria-live', 'polite');
    errorEl.setAttribute('role', 'alert');
    summaryEl.setAttribute('aria-live', 'polite');

    /* What is searched: the page's URL holds the same, less the defaults. */
    var state = { q: '', tags: [], category: '', author: '', since: '', until: '', sort: 'relevance',
                  page: 1, perPage: 0, exact: false };
    var timer = 0, seq = 0, inflight = null, facetsOpen = false;
    var appending = false;   /* the answer coming is a next page, added to those shown */
    var baseTitle = document.title;

    /* The element of that class in the page, made when a site's page lacks it. */
    function part(tag, cls) {
      var node = root.querySelector('.' + cls);
      if (!node) {
        node = el(tag, cls);
        root.appendChild(node);
      }
      return node;
    }

    function clear(e) {
      while (e.firstChild)
        e.removeChild(e.firstChild);
    }

    /* A post's own day (YYYY-MM-DD, its first ten characters) as a reader of
     * the page's language reads it: 14 марта 2016, or March 14, 2016. */
    var MONTHS = {
      ru: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
           'сентября', 'октября', 'ноября', 'декабря'],
      en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
           'September', 'October', 'November', 'December']
    };
    var lang = ((root.closest('[lang]') || document.documentElement).getAttribute('lang') || 'ru')
      .toLowerCase().slice(0, 2) === 'en' ? 'en' : 'ru';

    function humanDay(date) {
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(date));
      if (!m)
        return String(date);
      var y = m[1], month = MONTHS[lang][Number(m[2]) - 1], d = String(Number(m[3]));
      if (!month)
        return m[0];
      return lang === 'en' ? month + ' ' + d + ', ' + y : d + ' ' + month + ' ' + y;
    }

    function isDate(s) {
      return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(s);
    }

    function readLocation() {
      if (!ownsUrl)
        return;
      var p = new URLSearchParams(location.search);
      state.q = p.get('q') || '';
      state.tags = [];
      p.getAll('tag').forEach(function (t) {
        if (t && state.tags.indexOf(t) < 0)
          state.tags.push(t);
      });
      state.category = p.get('category') || '';
      state.author = p.get('author') || '';
      state.since = isDate(p.get('since') || '') ? p.get('since') : '';
      state.until = isDate(p.get('until') || '') ? p.get('until') : '';
      state.sort = p.get('sort') === 'date' ? 'date' : 'relevance';
      state.exact = p.get('exact') === '1';
      state.page = Math.max(1, parseInt(p.get('page'), 10) || 1);
      var pp = parseInt(p.get('per_page'), 10);
      state.perPage = pp >= 1 && pp <= MAX_PER_PAGE ? pp : 0;
    }

    function writeForm() {
      input.value = state.q;
      /* a date input shows only a full day; a year or a month stays in state */
      since.value = state.since.length === 10 ? state.since : '';
      until.value = state.until.length === 10 ? state.until : '';
      sort.value = state.sort;
    }

    function readForm() {
      if (input.value !== state.q)
        state.exact = false;   /* new words are corrected again */
      state.q = input.value;
      if (since.value || state.since.length === 10)
        state.since = since.value;
      if (until.value || state.until.length === 10)
        state.until = until.value;
      state.sort = sort.value === 'date' ? 'date' : 'relevance';
    }

    /* The parameters of state, in the endpoint's own order; o may give
     * another page or other tags (for a link's href). */
    function params(o) {
      o = o || {};
      var p = new URLSearchParams();
      if (state.q.trim())
        p.set('q', state.q);
      (o.tags || state.tags).forEach(function (t) { p.append('tag', t); });
      if (state.category)
        p.set('category', state.category);
      if (state.author)
        p.set('author', state.author);
      if (state.since)
        p.set('since', state.since);
      if (state.until)
        p.set('until', state.until);
      if (state.sort === 'date')
        p.set('sort', 'date');
      if (state.perPage)
        p.set('per_page', String(state.perPage));
      if (state.exact)
        p.set('exact', '1');
      var page = o.page || state.page;
      if (page > 1 && !(loadMore && o.location))
        p.set('page', String(page));
      return p;
    }

    /* A link to this page with those parameters: what a new tab or a copied
     * link opens; for a box that leaves the URL alone, the endpoint's own
     * page of those results. */
    function pageHref(p) {
      var s = p.toString();
      if (!ownsUrl)
        return endpoint.pathname + (s ? '?' + s : '');
      return location.pathname + (s ? '?' + s : '');
    }

    /* the page's URL says what is shown; with "показать ещё", the search
     * without the pages added */
    function syncLocation() {
      if (!ownsUrl)
        return;
      var href = pageHref(params({ location: true }));
      if (href !== location.pathname + location.search)
        history.replaceState(history.state, '', href + location.hash);
    }

    /* data-state on the root (idle, loading, done, error) is for a site's
     * CSS and for tests to wait on */
    function setBusy(on) {
      root.classList.toggle('bs-loading', on);
      resultsEl.setAttribute('aria-busy', on ? 'true' : 'false');
    }

    function showError(msg) {
      errorEl.textContent = msg || '';
    }

    function clearResults() {
      clear(correctionEl);
      clear(summaryEl);
      clear(facetsEl);
      clear(resultsEl);
      clear(pagesEl);
    }

    /* Runs the search now, or after a pause in typing. */
    function schedule(delay) {
      clearTimeout(timer);
      timer = delay ? setTimeout(run, delay) : 0;
      if (!delay)
        run();
    }

    function run() {
      clearTimeout(timer);
      syncLocation();
      renderFilters();
      /* as the endpoint's page titles itself, for history and tabs; a widget
       * leaves its page's title alone */
      if (ownsUrl && !widget)
        document.title = (state.q.trim() ? state.q.trim() + ' — ' : '') + baseTitle;
      var my = ++seq, adding = appending;
      appending = false;
      if (inflight)
        inflight.abort();
      inflight = null;
      var filtered = state.tags.length || state.category || state.author || state.since || state.until;
      if (!state.q.trim() && !filtered) {
        /* no words and no filter: nothing to show (a tag alone lists its
         * posts, newest first) */
        setBusy(false);
        showError('');
        clearResults();
        root.setAttribute('data-state', 'idle');
        return;
      }
      var url = new URL(endpoint.href);
      var p = params();
      p.set('format', 'json');
      url.search = p.toString();
      var ctl = window.AbortController ? new AbortController() : null;
      inflight = ctl;
      setBusy(true);
      root.setAttribute('data-state', 'loading');
      /* the first search says it is under way; later ones keep the results
       * shown until the new ones come, so that nothing jumps while typing */
      if (!resultsEl.firstChild)
        summaryEl.textContent = 'Ищем…';
      fetch(url.href, { headers: { Accept: 'application/json' }, signal: ctl ? ctl.signal : undefined })
        .then(function (res) {
          return res.json().then(function (body) { return { ok: res.ok, body: body, status: res.status }; },
                                 function () { return { ok: false, body: null, status: res.status }; });
        })
        .then(function (r) {
          if (my !== seq)
            return;   /* a later search is under way */
          inflight = null;
          setBusy(false);
          if (r.ok && r.body && Array.isArray(r.body.results)) {
            showError('');
            render(r.body, adding);
            root.setAttribute('data-state', 'done');
            return;
          }
          var e = r.body && r.body.error;
          if (e && e.parameter === 'page' && state.page > 1) {
            /* an old link past the last page: show the first */
            state.page = 1;
            run();
            return;
          }
          clearResults();
          showError(e && e.message ? e.message
                    : 'Поиск сейчас не работает (ответ ' + (r.status || '?') + '). Попробуйте позже.');
          root.setAttribute('data-state', 'error');
        })
        .catch(function (err) {
          if (my !== seq || (err && err.name === 'AbortError'))
            return;
          inflight = null;
          setBusy(false);
          clearResults();
          showError('Не удалось связаться с поиском. Проверьте соединение и попробуйте ещё раз.');
          root.setAttribute('data-state', 'error');
        });
    }

    /* ---- what the answer shows ---------------------------------------------------------- */

    /* What the endpoint did to the words: the results of a corrected query,
     * with a way back to the words as typed; or a query it suggests. */
    function exactLink(label) {
      var a = el('a', null, label);
      a.href = pageHref((function () { var p = params(); p.set('exact', '1'); return p; })());
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        state.exact = true;
        state.page = 1;
        run();
      });
      return a;
    }

    function renderCorrection(d) {
      clear(correctionEl);
      var fixed = d.corrected_query || d.suggestion;
      var also = typeof d.also_searched === 'string' ? d.also_searched : '';
      if (typeof fixed !== 'string')
        fixed = '';
      if (!fixed && !also)
        return;
      if (d.corrected_query && fixed) {
        correctionEl.appendChild(document.createTextNode('Показаны результаты для «'));
        correctionEl.appendChild(el('strong', null, fixed));
        correctionEl.appendChild(document.createTextNode(also ? '», искали также «' : '». '));
        if (also) {
          correctionEl.appendChild(el('strong', null, also));
          correctionEl.appendChild(document.createTextNode('». '));
        }
        correctionEl.appendChild(exactLink('Искать как написано: «' + state.q + '»'));
        return;
      }
      if (also) {
        correctionEl.appendChild(document.createTextNode('Искали также «'));
        correctionEl.appendChild(el('strong', null, also));
        correctionEl.appendChild(document.createTextNode('». '));
        if (!fixed)
          correctionEl.appendChild(exactLink('Искать только «' + state.q + '»'));
      }
      if (fixed) {
        var a = el('a', null, fixed);
        correctionEl.appendChild(document.createTextNode('Возможно, вы имели в виду «'));
        var p = params();
        p.set('q', fixed);
        p.delete('page');
        a.href = pageHref(p);
        a.addEventListener('click', function (ev) {
          ev.preventDefault();
          state.q = fixed;
          state.page = 1;
          writeForm();
          run();
        });
        correctionEl.appendChild(a);
        correctionEl.appendChild(document.createTextNode('»?'));
      }
    }

    function render(d, adding) {
      adding = adding && resultsEl.firstChild;
      renderCorrection(d);
      var results = d.results, total = d.total || 0;
      var first = (d.offset || 0) + 1, last = (d.offset || 0) + results.length;
      if (adding)
        first = Number(resultsEl.start) || 1;
      summaryEl.textContent = total
        ? 'Найдено: ' + total + '. Показаны ' + first + '–' + last + '.'
        : state.q ? 'Ничего не найдено по запросу «' + state.q + '».' : 'Ничего не найдено.';
      renderTips(total);

      clear(facetsEl);
      var facets = (d.facets && d.facets.tags) || [];
      /* the first few, and those in use, shown; the rest behind "ещё N" so
       * that the results are not pushed off a phone's screen */
      var hidden = [];
      facets.forEach(function (f, i) {
        var active = hasTag(f.tag);
        var a = tagLink('bs-chip' + (active ? ' bs-chip-active' : ''), f.tag, active);
        a.appendChild(document.createTextNode(f.tag + ' '));
        a.appendChild(el('span', null, f.count));
        if (active)
          a.setAttribute('aria-current', 'true');
        if (i >= FACETS_SHOWN && !active && !facetsOpen) {
          a.hidden = true;
          hidden.push(a);
        }
        facetsEl.appendChild(a);
        facetsEl.appendChild(document.createTextNode(' '));
      });
      if (hidden.length) {
        var more = el('button', 'bs-more', 'ещё ' + hidden.length);
        more.type = 'button';
        more.setAttribute('aria-expanded', 'false');
        more.addEventListener('click', function () {
          facetsOpen = true;
          hidden.forEach(function (a) { a.hidden = false; });
          more.parentNode.removeChild(more);
        });
        facetsEl.appendChild(more);
      }

      if (!adding) {
        clear(resultsEl);
        resultsEl.start = first;
      }
      var added = results.map(function (r) { return resultsEl.appendChild(resultItem(r)); });
      if (adding && added.length)
        added[0].querySelector('h2 a').focus();   /* where the keyboard goes on reading */

      clear(pagesEl);
      if (total && loadMore) {
        if ((d.page || 1) < (d.pages || 1)) {
          var more = el('button', 'bs-load-more', 'Показать ещё');
          more.type = 'button';
          more.setAttribute('aria-label', 'Показать ещё ' + Math.min(total - last, state.perPage || 10) +
                            ' из оставшихся ' + (total - last));
          more.addEventListener('click', function () {
            state.page = (d.page || 1) + 1;
            appending = true;
            schedule(0);
          });
          pagesEl.appendChild(more);
        }
      } else if (total) {
        var page = d.page || 1, pages = d.pages || 1;
        if (page > 1)
          pagesEl.appendChild(pageLink('prev', '← Назад', page - 1));
        pagesEl.appendChild(el('span', null, 'Страница ' + page + ' из ' + pages));
        if (pages > 1) {
          var nums = el('span', 'bs-page-numbers');
          pageNumbers(page, pages).forEach(function (n) {
            var item = n === 0 ? el('span', null, '…')
                     : n === page ? el('span', 'bs-page-current', n) : pageLink('', String(n), n);
            if (n === page)
              item.setAttribute('aria-current', 'page');
            if (n && n !== page)
              item.setAttribute('aria-label', 'Страница ' + n);
            nums.appendChild(item);
          });
          pagesEl.appendChild(nums);
        }
        if (page < pages)
          pagesEl.appendChild(pageLink('next', 'Дальше →', page + 1));
      }
    }

    /* With nothing found, what a reader can try. */
    function renderTips(total) {
      var tips = root.querySelector('.bs-tips');
      if (tips)
        tips.parentNode.removeChild(tips);
      if (total || !state.q)
        return;
      tips = el('ul', 'bs-tips');
      var words = state.q.trim().split(/\s+/).length;
      if (words > 1)
        tips.appendChild(el('li', null, 'Попробуйте меньше слов.'));
      if (state.tags.length || state.category || state.author || state.since || state.until)
        tips.appendChild(el('li', null, 'Уберите фильтры.'));
      tips.appendChild(el('li', null, 'Проверьте раскладку клавиатуры и написание слов.'));
      summaryEl.parentNode.insertBefore(tips, summaryEl.nextSibling);
    }

    function resultItem(r) {
      var li = el('li', 'bs-result');
      var h = el('h2'), a = r.title && Array.isArray(r.title_highlights)
        ? marked(el('a'), r.title, r.title_highlights) : el('a', null, r.title || r.slug || r.url);
      if (safeUrl(r.url))
        a.href = r.url;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el('p', 'bs-meta');
      if (r.date) {
        /* the post's own day, its date in its own offset, as the endpoint's
         * page shows it and since/until count it */
        var t = el('time', null, humanDay(r.date));
        t.setAttribute('datetime', r.date);
        meta.appendChild(t);
        meta.appendChild(document.createTextNode(' '));
      }
      (r.categories || []).forEach(function (c) {
        meta.appendChild(narrowLink('bs-category', 'category', c, 'Только рубрика «' + c + '»'));
        meta.appendChild(document.createTextNode(' '));
      });
      if (typeof r.author === 'string' && r.author) {
        meta.appendChild(narrowLink('bs-author', 'author', r.author, 'Только автор «' + r.author + '»'));
        meta.appendChild(document.createTextNode(' '));
      }
      (r.tags || []).forEach(function (tag) {
        meta.appendChild(tagLink('bs-tag', tag, hasTag(tag), tag));
        meta.appendChild(document.createTextNode(' '));
      });
      li.appendChild(meta);
      if (r.snippet && r.snippet.text)
        li.appendChild(snippet(r.snippet));
      return li;
    }

    /* The snippet with each highlight in <mark>. Highlights count code
     * points, so the text is split into code points, not UTF-16 units. */
    function snippet(sn) {
      return marked(el('p', 'bs-snippet'), sn.text, sn.highlights);
    }

    /* text into p, each highlight ([start, length] in code points) in <mark> */
    function marked(p, text, highlights) {
      var cps = Array.from(String(text));
      var hl = (highlights || []).filter(function (h) {
        return Array.isArray(h) && h[0] >= 0 && h[1] > 0;
      }).sort(function (a, b) { return a[0] - b[0]; });
      var at = 0;
      hl.forEach(function (h) {
        var start = Math.max(h[0], at), end = Math.min(h[0] + h[1], cps.length);
        if (start >= end)
          return;   /* overlaps the one before, or past the end */
        if (start > at)
          p.appendChild(document.createTextNode(cps.slice(at, start).join('')));
        p.appendChild(el('mark', null, cps.slice(start, end).join('')));
        at = end;
      });
      if (at < cps.length)
        p.appendChild(document.createTextNode(cps.slice(at).join('')));
      return p;
    }

    /* A post's own link as is, unless it would run script. */
    function safeUrl(u) {
      try {
        return /^(https?:|mailto:)$/.test(new URL(u, location.href).protocol);
      } catch (e) {
        return false;
      }
    }

    function hasTag(tag) {
      return without(state.tags, tag).length !== state.tags.length;
    }

    /* A link that filters by tag (or, when active, drops it): a real href for
     * a new tab, a click handled here. */
    function tagLink(cls, tag, active, text) {
      var tags = active ? without(state.tags, tag) : state.tags.concat([tag]);
      var a = el('a', cls, text);
      a.href = pageHref(params({ page: 1, tags: tags }));
      a.title = active ? 'Убрать фильтр' : 'Только с меткой ' + tag;
      a.addEventListener('click', function (ev) {
        if (plainClick(ev)) {
          ev.preventDefault();
          if (active)
            removeTag(tag);
          else
            addTag(tag);
        }
      });
      return a;
    }

    /* A post's category or author (key), as a filter: the results narrowed
     * to it. */
    function narrowLink(cls, key, value, title) {
      var a = el('a', cls, value);
      var p = params();
      p.set(key, value);
      p.delete('page');
      a.href = pageHref(p);
      a.title = title;
      a.addEventListener('click', function (ev) {
        if (plainClick(ev)) {
          ev.preventDefault();
          state[key] = value;
          state.page = 1;
          schedule(0);
        }
      });
      return a;
    }

    /* The pages to offer around page of pages: the first, the last, two on
     * each side of it, 0 for a gap (1 2 3 4 5 … 9). */
    function pageNumbers(page, pages) {
      var out = [];
      for (var n = 1; n <= pages; n++) {
        if (n === 1 || n === pages || Math.abs(n - page) <= 2 || (page <= 4 && n <= 5)
            || (page >= pages - 3 && n >= pages - 4))
          out.push(n);
        else if (out[out.length - 1] !== 0)
          out.push(0);
      }
      return out;
    }

    function pageLink(rel, text, page) {
      var a = el('a', null, text);
      if (rel)
        a.rel = rel;
      a.href = pageHref(params({ page: page }));
      a.addEventListener('click', function (ev) {
        if (plainClick(ev)) {
          ev.preventDefault();
          state.page = page;
          schedule(0);
          if (summaryEl.getBoundingClientRect().top < 0)
            summaryEl.scrollIntoView();
        }
      });
      return a;
    }

    /* A click that is not asking for a new tab or window. */
    function plainClick(ev) {
      return ev.button === 0 && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey && !ev.altKey;
    }

    function addTag(tag) {
      if (!hasTag(tag))
        state.tags.push(tag);
      state.page = 1;
      schedule(0);
    }

    /* tags match as the endpoint matches them: in any case */
    function without(tags, tag) {
      var t = String(tag).toLowerCase();
      return tags.filter(function (x) { return x.toLowerCase() !== t; });
    }

    function dropTag(tag) {
      state.tags = without(state.tags, tag);
    }

    function removeTag(tag) {
      dropTag(tag);
      state.page = 1;
      schedule(0);
    }

    /* The filters in use that the form does not show, each a button that
     * drops it: the tags, and a category or a year or month from a link. */
    function renderFilters() {
      clear(filtersEl);
      state.tags.forEach(function (tag) {
        filterButton('#' + tag, function () { dropTag(tag); });
      });
      if (state.category)
        filterButton('Рубрика: ' + state.category, function () { state.category = ''; });
      if (state.author)
        filterButton('Автор: ' + state.author, function () { state.author = ''; });
      if (state.since && state.since.length < 10)
        filterButton('с ' + state.since, function () { state.since = ''; });
      if (state.until && state.until.length < 10)
        filterButton('по ' + state.until, function () { state.until = ''; });
    }

    function filterButton(text, drop) {
      var b = el('button', 'bs-filter', text + ' ×');
      b.type = 'button';
      b.title = 'Убрать фильтр';
      b.setAttribute('aria-label', text + ': убрать');
      b.addEventListener('click', function () {
        drop();
        state.page = 1;
        schedule(0);
        input.focus();
      });
      filtersEl.appendChild(b);
      filtersEl.appendChild(document.createTextNode(' '));
    }

    /* ---- completions of the word being typed (the endpoint's suggest=) ------------------ */

    /* The box and its list of completions under it: a combobox (WAI-ARIA
     * 1.2), the focus staying in the box while ↑ ↓ choose. */
    var box = el('div', 'bs-box');
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    var listEl = attrs(el('ul', 'bs-suggest'), { id: id + '-suggest', role: 'listbox',
                                                 'aria-label': 'Подсказки' });
    listEl.hidden = true;
    box.appendChild(listEl);
    attrs(input, { role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
                   'aria-controls': listEl.id });
    var suggestOn = root.getAttribute('data-suggest') !== 'off';
    var sTimer = 0, sSeq = 0, sCtl = null, options = [], active = -1;

    /* the word being typed: the text after the last space */
    function lastWord(text) {
      var m = /(\S+)$/.exec(text);
      return m ? m[1] : '';
    }

    function closeList() {
      clearTimeout(sTimer);
      sSeq++;   /* an answer on its way is not shown */
      if (sCtl)
        sCtl.abort();
      sCtl = null;
      listEl.hidden = true;
      clear(listEl);
      options = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function suggestSoon() {
      clearTimeout(sTimer);
      if (!suggestOn || Array.from(lastWord(input.value)).length < 2)
        closeList();
      else
        sTimer = setTimeout(suggest, SUGGEST_MS);
    }

    function suggest() {
      var text = input.value, my = ++sSeq;
      var url = new URL(endpoint.href);
      url.search = new URLSearchParams({ suggest: text, format: 'json' }).toString();
      if (sCtl)
        sCtl.abort();
      var ctl = sCtl = window.AbortController ? new AbortController() : null;
      fetch(url.href, { headers: { Accept: 'application/json' }, signal: ctl ? ctl.signal : undefined })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (d) {
          if (my === sSeq && input.value === text && document.activeElement === input)
            showList(d, text);
        })
        .catch(function () {});   /* no completions: the box works as without them */
    }

    function showList(d, text) {
      clear(listEl);
      options = [];
      active = -1;
      var typed = lastWord(text), head = text.slice(0, text.length - typed.length);
      var words = d && Array.isArray(d.words) ? d.words : [];
      var titles = d && Array.isArray(d.titles) ? d.titles : [];
      words.forEach(function (w) {
        if (typeof w.word !== 'string' || !w.word || w.word.toLowerCase() === typed.toLowerCase())
          return;   /* the word as typed is no completion */
        var li = option('bs-suggest-word', function () { pickWord(head + w.word + ' '); });
        var cps = Array.from(w.word), n = Array.from(typed).length;
        var starts = w.word.toLowerCase().indexOf(typed.toLowerCase()) === 0;
        var word = el('span');
        word.appendChild(document.createTextNode(starts ? cps.slice(0, n).join('') : ''));
        word.appendChild(el('strong', null, starts ? cps.slice(n).join('') : w.word));
        li.appendChild(word);
        if (typeof w.posts === 'number')
          li.appendChild(attrs(el('span', 'bs-suggest-count', w.posts), { 'aria-hidden': 'true' }));
      });
      titles.forEach(function (t) {
        if (typeof t.title !== 'string' || !t.title || !t.url || !safeUrl(t.url))
          return;   /* a post without a URL (no --url-prefix) has nowhere to go */
        var li = option('bs-suggest-title', function () { location.href = t.url; });
        li.appendChild(el('span', null, t.title));
        li.setAttribute('aria-label', 'Запись: ' + t.title);
      });
      listEl.hidden = !options.length;
      input.setAttribute('aria-expanded', options.length ? 'true' : 'false');
    }

    function option(cls, pick) {
      var li = attrs(el('li', cls), { id: id + '-option-' + options.length, role: 'option',
                                      'aria-selected': 'false' });
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });   /* keeps the focus */
      li.addEventListener('click', pick);
      li.bsPick = pick;
      options.push(li);
      listEl.appendChild(li);
      return li;
    }

    function setActive(i) {
      if (active >= 0)
        options[active].setAttribute('aria-selected', 'false');
      active = i;
      if (i < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[i].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    }

    /* the text with the word completed, searched at once */
    function pickWord(text) {
      closeList();
      input.value = text;
      input.focus();
      readForm();
      state.page = 1;
      schedule(0);
    }

    /* with the list open, ↑ ↓ choose in it, Enter takes the one chosen and
     * Esc closes it (a second Esc empties the box) */
    input.addEventListener('keydown', function (ev) {
      if (listEl.hidden || !options.length)
        return;
      var handled = true;
      if (ev.key === 'ArrowDown')
        setActive(Math.min(active + 1, options.length - 1));
      else if (ev.key === 'ArrowUp')
        setActive(active - 1);
      else if (ev.key === 'Enter' && active >= 0)
        options[active].bsPick();
      else if (ev.key === 'Escape')
        closeList();
      else
        handled = false;
      if (ev.key === 'Tab')
        closeList();
      if (handled) {
        ev.preventDefault();
        ev.stopPropagation();
      }
    });
    input.addEventListener('blur', closeList);

    /* ---- the form ----------------------------------------------------------------------- */

    input.addEventListener('input', function () {
      suggestSoon();
      readForm();
      state.page = 1;
      schedule(DEBOUNCE_MS);
    });
    [since, until, sort].forEach(function (f) {
      f.addEventListener('change', function () {
        readForm();
        state.page = 1;
        schedule(0);
      });
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      closeList();
      readForm();
      state.page = 1;
      schedule(0);
    });

    /* The keyboard: / to the box, ↑ ↓ through the results' links (Enter
     * opens one, as any link), Esc empties the box. */
    document.addEventListener('keydown', function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey)
        return;
      var t = ev.target, typing = t && (t.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (ev.key === '/' && !typing && id === 'bs1') {
        ev.preventDefault();
        input.focus();
        input.select();
        return;
      }
      if (ev.key === 'Escape' && t === input && input.value) {
        ev.preventDefault();
        input.value = '';
        readForm();
        state.page = 1;
        schedule(0);
        return;
      }
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp')
        return;
      var links = Array.prototype.slice.call(resultsEl.querySelectorAll('.bs-result h2 a'));
      if (!links.length || (typing && t !== input))
        return;
      var at = links.indexOf(document.activeElement);
      if (at < 0 && t !== input)
        return;
      ev.preventDefault();
      if (ev.key === 'ArrowDown')
        links[Math.min(at + 1, links.length - 1)].focus();
      else if (at > 0)
        links[at - 1].focus();
      else
        input.focus();
    });

    readLocation();
    writeForm();
    run();
  }

  /* Every box on the page: an element of class bs-search or with
   * data-blogsearch; blogsearch.mount(element) for one added later. */
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('.bs-search, [data-blogsearch]'), mount);
  }
  window.blogsearch = { mount: mount };
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
  else
    start();
})();
