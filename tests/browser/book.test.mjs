// The book in a real browser: Debian's chromium, driven by playwright-core.
//
// usage: node tests/browser/book.test.mjs SITE_DIR SCREENSHOT_DIR
//
// SITE_DIR is a built site (OUT/book: index.html, <chapter>.html,
// lessons/<id>.html, media/, assets/). Every page is opened twice: from
// file:// and over HTTP, from a python3 -m http.server on 127.0.0.1 (a
// free port) that serves SITE_DIR's parent, so the site is seen from a
// sub-path (/<basename of SITE_DIR>/...). On every page:
//   - no console error, no page error, no failed request (nor an HTTP
//     status >= 400), and no request leaving the site: over HTTP none to
//     another host nor outside the sub-path, over file:// no http(s)
//     request at all; over HTTP the page declares its icon (else browsers
//     ask the server root for /favicon.ico);
//   - every <img> outside a <video> (scrolled into view) has decoded
//     (naturalWidth > 0); the GIF fallbacks inside <video>s, which a
//     browser that plays the video never loads, are each fetched over HTTP
//     (status 200, a GIF);
//   - every <video> (scrolled into view, load() if need be) reaches
//     readyState >= 2 (HAVE_CURRENT_DATA), lasts its lesson's duration
//     (the manifest's, within a frame: pauses are single pictures that
//     last, and the closing pause must not be cut) and seeks to its last
//     frame; a lesson with narration (its
//     media/<id>/<id>.vtt exists) has a captions track whose cues loaded
//     (mode showing or hidden), the same text as that .vtt file;
//   - every link (a[href]) resolves to a file of the site, and its
//     #fragment, if any, to an id on that page;
//   - every formula (svg[role=img]) has a non-empty aria-label, a size,
//     and, inline, spaces between it and the words around it.
// Then, on both runs: a distinctive word of the first lesson's entry in
// search-index.js, typed into #search on the title page and on a lesson
// page, lists a link to that lesson, and the link goes there; every
// search-index entry names a file of the site; the slider of each page
// with variants changes the <output> and the video's MP4 (which then
// loads); a video plays when scrolled into view and stays paused under
// prefers-reduced-motion. Then every page at a phone's 390 px must be no
// wider than the screen (a formula, code or table scrolling in its own
// box is a warning). Last, full-page screenshots of the title page, a
// chapter and a lesson, light and dark, 1280 px and 390 px wide, and of
// the search results over a lesson page, go to SCREENSHOT_DIR.
//
// One line per check ("ok ..." or "FAIL ..." with the details under it,
// "skipped: ..." when the book has nothing to check, "warning: ..."), then
// "N passed, N failed"; the exit status is 1 on any failure. The whole run
// is bounded (BOOK_TEST_TIMEOUT seconds, default 300); BOOK_TEST_VERBOSE=1
// prints each step as it starts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.MLANIM_CHROMIUM || '/usr/bin/chromium';
const VIDEO_TIMEOUT = 20000;

if (process.argv.length !== 4) {
  console.error('usage: node tests/browser/book.test.mjs SITE_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const site = fs.realpathSync(path.resolve(process.argv[2]));
const shots = path.resolve(process.argv[3]);
if (!fs.existsSync(path.join(site, 'index.html'))) {
  console.error(`book.test: no index.html in '${site}'`);
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

// ---- the checks ------------------------------------------------------------
let passed = 0;
let failed = 0;
// A check: a name, what it covered, and its problems (none: ok).
function report(name, covered, problems) {
  const line = problems.length === 0 ? `ok ${name}${covered ? ` (${covered})` : ''}` : `FAIL ${name}`;
  console.log(line);
  for (const p of problems.slice(0, 40)) console.log(`    ${p}`);
  if (problems.length > 40) console.log(`    ... and ${problems.length - 40} more`);
  if (problems.length === 0) passed++;
  else failed++;
}
function skip(name, why) {
  console.log(`skipped: ${name}: ${why}`);
}
function warn(what) {
  console.log(`warning: ${what}`);
}
// What the test is doing, for the watchdog's report (and, with
// BOOK_TEST_VERBOSE=1, as it goes).
let lastStep = 'starting';
const stepStart = Date.now();
function step(what) {
  lastStep = what;
  if (process.env.BOOK_TEST_VERBOSE) console.log(`#   ${((Date.now() - stepStart) / 1000).toFixed(1)} s: ${what}`);
}

// ---- the site's files -------------------------------------------------------
const rel = (f) => path.relative(site, f).split(path.sep).join('/');
const html = (dir) => fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort().map((f) => path.join(dir, f)) : [];
const chapters = html(site).filter((f) => path.basename(f) !== 'index.html');
const lessons = html(path.join(site, 'lessons'));
const pages = [path.join(site, 'index.html'), ...chapters, ...lessons].map(rel);
const lessonIds = lessons.map((f) => path.basename(f, '.html'));
// A lesson has narration when the site has its captions file.
const narrated = new Set(lessonIds.filter((id) => fs.existsSync(path.join(site, 'media', id, `${id}.vtt`))));

function searchIndex() {
  const code = fs.readFileSync(path.join(site, 'assets', 'search-index.js'), 'utf8');
  const sandbox = { window: {} };
  vm.runInNewContext(code, sandbox, { filename: 'search-index.js' });
  return sandbox.window.MLANIM_SEARCH || [];
}

// The file of the site a URL names (file: or our server's http:), or an
// explanation of why it names none.
function siteFile(url, base) {
  let p;
  if (url.protocol === 'file:') {
    p = fileURLToPath(url);
  } else if (base && url.origin === base.origin && url.pathname.startsWith(base.pathname)) {
    p = path.join(site, decodeURIComponent(url.pathname.slice(base.pathname.length)));
  } else {
    return { error: 'outside the site' };
  }
  p = path.normalize(p);
  if (p !== site && !p.startsWith(site + path.sep)) return { error: 'outside the site' };
  let st;
  try { st = fs.statSync(p); } catch { return { error: 'no such file' }; }
  if (!st.isFile()) return { error: 'not a file' };
  return { file: p };
}

const idsCache = new Map();
function hasId(file, id) {
  if (!idsCache.has(file)) {
    const s = fs.readFileSync(file, 'utf8');
    const ids = new Set();
    for (const m of s.matchAll(/\sid="([^"]*)"/g)) ids.add(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    idsCache.set(file, ids);
  }
  return idsCache.get(file).has(id);
}

// ---- the HTTP server -----------------------------------------------------------
// python3 -m http.server on port 0 picks a free port and prints it.
function startServer() {
  return new Promise((resolve, reject) => {
    const srv = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1',
      '--directory', path.dirname(site), '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`http.server did not start: ${out}`)), 15000);
    srv.on('error', (e) => { clearTimeout(timer); reject(e); });
    srv.on('exit', (code) => { clearTimeout(timer); reject(new Error(`http.server exited (${code}): ${out}`)); });
    srv.stderr.on('data', () => {});   // its request log
    srv.stdout.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        srv.removeAllListeners('exit');
        resolve({ proc: srv, port: +m[1] });
      }
    });
  });
}

// ---- a page under watch ---------------------------------------------------------
// Opens url in a new page of ctx and records what goes wrong in it (bad:
// one line per problem, the page's console errors among them).
async function openPage(ctx, url, mode, base) {
  const origin = base ? base.origin : '';
  const page = await ctx.newPage();
  const bad = [];
  const folder = base ? base.pathname : '';
  const outside = (u) => base && u.startsWith(origin + '/') && !u.startsWith(origin + folder);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const u = m.location().url || '';
    // The browser asks for the server root's /favicon.ico, or not, as it
    // pleases: the "declares its icon" check covers that, every time.
    if (base && u === `${origin}/favicon.ico`) return;
    bad.push(`console error: ${m.text()}${u ? ` (${u})` : ''}${outside(u) ? ` [outside the site's folder ${folder}]` : ''}`);
  });
  page.on('pageerror', (e) => bad.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (mode === 'file') {
      if (!u.startsWith('file:')) bad.push(`request leaving the site: ${r.method()} ${u}`);
    } else if (!u.startsWith(origin + '/')) {
      bad.push(`request to another host: ${r.method()} ${u}`);
    } else if (outside(u)) {
      bad.push(`request outside the site's folder ${folder}: ${r.method()} ${u}`);
    }
  });
  page.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '?';
    // A browser cancels media downloads by itself (enough buffered, a new
    // source, the page left): that is no failure.
    if (why === 'net::ERR_ABORTED' && r.resourceType() === 'media') return;
    bad.push(`request failed: ${r.url()}: ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) bad.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // a page that does not open is a problem of the page, not the test's end
  await page.goto(url, { waitUntil: 'load', timeout: 30000 })
    .catch((e) => bad.push(`does not open: ${e.message.split('\n')[0]}`));
  return { page, bad };
}

// Scrolls a video into view and waits for its current frame (readyState
// 2); load() once if it has not started by then.
async function videoReady(page, handle) {
  await handle.scrollIntoViewIfNeeded().catch(() => {});
  const wait = (ms) => page.waitForFunction((v) => v.readyState >= 2 || v.error, handle, { timeout: ms })
    .then(() => true, () => false);
  if (!(await wait(VIDEO_TIMEOUT / 2))) {
    await handle.evaluate((v) => { if (v.preload === 'none') v.preload = 'auto'; v.load(); });
    await wait(VIDEO_TIMEOUT / 2);
  }
  return handle.evaluate((v) => ({
    ready: v.readyState,
    error: v.error ? `${v.error.code} ${v.error.message}` : '',
    network: v.networkState,
    src: v.currentSrc,
    lesson: (v.closest('figure[data-lesson]') || {}).dataset?.lesson || '',
  }));
}

// ---- one run: every page, from file:// or over HTTP --------------------------------
async function run(browser, mode, base) {
  const origin = base ? base.origin : '';
  const urlOf = (p) => (mode === 'file' ? pathToFileURL(path.join(site, p)).href : new URL(p, base).href);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const errors = [], images = [], videos = [], captions = [], links = [], formulas = [];
  const gifs = new Map();   // GIF URL -> the page that names it
  let nimg = 0, nvideo = 0, ncap = 0, nlink = 0, nformula = 0;
  const vttText = (id) => fs.readFileSync(path.join(site, 'media', id, `${id}.vtt`), 'utf8');
  // the lesson's render, beside the site (mlanim book -o OUT: OUT/book, OUT/<id>)
  const manifestOf = (id) => {
    try { return JSON.parse(fs.readFileSync(path.join(site, '..', id, 'manifest.json'), 'utf8')); } catch (e) { return null; }
  };
  const timings = [];
  let ntimed = 0, nunseekable = 0;

  for (const p of pages) {
    step(`${mode}: ${p}`);
    const { page, bad } = await openPage(ctx, urlOf(p), mode, base);
    try {
      // images outside <video>
      const imgs = await page.$$('img:not(video img)');
      for (const img of imgs) {
        nimg++;
        await img.scrollIntoViewIfNeeded().catch(() => {});
        await page.waitForFunction((i) => i.complete, img, { timeout: 10000 }).catch(() => {});
        const r = await img.evaluate((i) => ({ w: i.naturalWidth, src: i.currentSrc || i.src }));
        if (!(r.w > 0)) images.push(`${p}: <img src="${r.src}"> did not load (naturalWidth ${r.w})`);
      }
      for (const src of await page.$$eval('video img, .variants li[data-gif]',
        (els) => els.map((e) => (e.tagName === 'IMG' ? e.src : new URL(e.getAttribute('data-gif'), document.baseURI).href)))) {
        if (!gifs.has(src)) gifs.set(src, p);
      }

      // videos and their captions
      for (const v of await page.$$('video')) {
        nvideo++;
        step(`${mode}: ${p}: video ${nvideo}`);
        const r = await videoReady(page, v);
        if (r.ready < 2) {
          videos.push(`${p}: video of '${r.lesson}' (${r.src || 'no source chosen'}): readyState ${r.ready}, networkState ${r.network}${r.error ? `, error ${r.error}` : ''}`);
        }
        const man = r.ready >= 2 && /\.mp4$/.test(r.src) ? manifestOf(r.lesson) : null;
        if (man && man.duration > 0 && man.fps > 0) {
          ntimed++;
          step(`${mode}: ${p}: the end of '${r.lesson}'`);
          // Seek near the end and take the frame shown when the seek is
          // done. The page's player plays videos as they scroll into view,
          // and a looping video that plays on from there is back at 0 at
          // once: looping is switched off first; a seek it interrupts anyway
          // is asked again, up to 20 s in all.
          const t = await v.evaluate(async (video, frame) => {
            const d = video.duration, target = Math.max(0, d - frame / 2);
            const s = video.seekable;
            // A server without byte ranges (python3 -m http.server) makes a video
            // unseekable: then only the duration is checked.
            if (!s.length || s.end(s.length - 1) < target) return { d, ok: true, unseekable: true };
            video.loop = false;
            let done = null;
            const onSeeked = () => {
              if (Math.abs(video.currentTime - target) < frame && video.readyState >= 2) {
                done = { at: video.currentTime, ready: video.readyState };
              }
            };
            video.addEventListener('seeked', onSeeked);
            for (let i = 0; i < 200 && !done; i++) {
              if (i % 50 === 0) {
                video.pause();
                video.currentTime = target;
              }
              await new Promise((res) => setTimeout(res, 100));
            }
            video.removeEventListener('seeked', onSeeked);
            return done ? { d, ok: true, ...done } : { d, ok: false, at: video.currentTime, ready: video.readyState };
          }, 1 / man.fps);
          if (t.unseekable) nunseekable++;
          if (!(Math.abs(t.d - man.duration) <= 1 / man.fps + 0.01)) {
            timings.push(`${p}: the video of '${r.lesson}' lasts ${t.d} s, the lesson ${man.duration} s`);
          } else if (!t.ok || t.ready < 2) {
            timings.push(`${p}: the video of '${r.lesson}' (${t.d} s) does not show its last frame: at ${t.at} s, readyState ${t.ready}`);
          }
        }
        if (!narrated.has(r.lesson)) continue;
        ncap++;
        step(`${mode}: ${p}: captions of '${r.lesson}'`);
        const c = await v.evaluate(async (video) => {
          const t = video.querySelector('track[kind=captions]');
          if (!t) return { missing: true };
          for (let i = 0; i < 100 && !(t.track.cues && t.track.cues.length) && t.readyState !== 3; i++) {
            await new Promise((res) => setTimeout(res, 100));
          }
          let text = '';
          try { text = new TextDecoder().decode(Uint8Array.from(atob(t.src.split(',')[1] || ''), (ch) => ch.charCodeAt(0))); } catch (e) { text = ''; }
          return {
            mode: t.track.mode, cues: t.track.cues ? t.track.cues.length : 0, state: t.readyState,
            first: t.track.cues && t.track.cues.length ? t.track.cues[0].text : '', text,
          };
        });
        if (c.missing) {
          captions.push(`${p}: the video of '${r.lesson}' has narration but no <track kind="captions">`);
        } else if (!['showing', 'hidden'].includes(c.mode) || c.cues === 0) {
          captions.push(`${p}: captions of '${r.lesson}': mode '${c.mode}', ${c.cues} cues, track readyState ${c.state}`);
        } else if (c.text !== vttText(r.lesson)) {
          captions.push(`${p}: captions of '${r.lesson}' differ from media/${r.lesson}/${r.lesson}.vtt`);
        } else if (!c.first.trim()) {
          captions.push(`${p}: captions of '${r.lesson}': the first cue is empty`);
        }
      }

      // the icon: without one a browser asks for the server root's
      // /favicon.ico, outside a site served from a sub-path
      step(`${mode}: ${p}: icon, links and formulas`);
      const icon = await page.$$eval('link[rel~="icon"]', (ls) => ls.map((l) => ({ raw: l.getAttribute('href') || '', abs: l.href })));
      if (icon.length === 0) {
        if (mode === 'http') errors.push(`${p}: declares no icon (<link rel="icon">), so the browser asks for ${origin}/favicon.ico, outside the site's folder ${base.pathname} (HTTP 404 in the console)`);
      } else {
        for (const { raw, abs } of icon) {
          if (abs.startsWith('data:')) continue;
          const r = siteFile(new URL(abs), base);
          if (r.error) errors.push(`${p}: <link rel="icon" href="${raw}">: ${r.error}`);
        }
      }
      const hrefs = await page.$$eval('a[href]', (as) => as
        .filter((a) => !a.getAttribute('href').startsWith('#'))
        .map((a) => ({ raw: a.getAttribute('href'), abs: a.href })));
      for (const { raw, abs } of hrefs) {
        nlink++;
        const u = new URL(abs);
        if (u.protocol === 'mailto:') continue;
        const r = siteFile(u, base);
        if (r.error) {
          links.push(`${p}: <a href="${raw}">: ${r.error}`);
        } else if (u.hash && r.file.endsWith('.html') && !hasId(r.file, decodeURIComponent(u.hash.slice(1)))) {
          links.push(`${p}: <a href="${raw}">: ${rel(r.file)} has no id '${decodeURIComponent(u.hash.slice(1))}'`);
        }
      }
      for (const frag of await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')))) {
        nlink++;
        if (frag.length > 1 && !hasId(path.join(site, p), decodeURIComponent(frag.slice(1)))) {
          links.push(`${p}: <a href="${frag}">: no such id on the page`);
        }
      }

      // formulas
      // (an inline formula's neighbours: the text just before and after it)
      for (const f of await page.$$eval('svg[role=img]', (ss) => ss.map((s) => {
        const b = s.getBoundingClientRect();
        const span = s.closest('.math') || s;
        const block = /^(P|LI|TD|TH|FIGCAPTION|H[1-6]|DIV|BLOCKQUOTE|ARTICLE|BODY|A)$/;
        const near = (dir) => {
          for (let n = span; n;) {
            const sib = dir < 0 ? n.previousSibling : n.nextSibling;
            if (sib) {
              const t = sib.textContent;
              if (t.length) return dir < 0 ? t[t.length - 1] : t[0];
              n = sib;
            } else {
              n = n.parentNode;
              if (!n || block.test(n.nodeName)) return '';
            }
          }
          return '';
        };
        const display = !!s.closest('.math.display');
        return { label: s.getAttribute('aria-label') || '', w: b.width, h: b.height, display,
          before: display ? '' : near(-1), after: display ? '' : near(1),
          where: (s.closest('h1, h2, h3, p, li, td, th, figcaption') || { tagName: '?' }).tagName.toLowerCase() };
      }))) {
        nformula++;
        if (!f.label.trim()) formulas.push(`${p}: an svg[role=img] formula without aria-label`);
        else if (!(f.w > 0 && f.h > 0)) formulas.push(`${p}: formula '${f.label}' has no size (${f.w}x${f.h})`);
        else if (/[\p{L}\p{N},;:]/u.test(f.before) || /[\p{L}\p{N}]/u.test(f.after)) {
          formulas.push(`${p}: <${f.where}>: formula '${f.label}' is glued to its text: '${f.before}' before it, '${f.after}' after it (a space is missing)`);
        }
      }
      await page.waitForTimeout(100);   // late console errors
    } catch (e) {
      errors.push(`${p}: the test itself failed: ${e.message.split('\n')[0]}`);
    }
    errors.push(...bad.map((b) => `${p}: ${b}`));
    await page.close();
  }
  const m = mode === 'file' ? 'file://' : 'http';
  report(`${m}: every page loads without console errors, page errors, failed or outside requests`, `${pages.length} pages`, errors);
  report(`${m}: every <img> outside a <video> loads`, `${nimg} images`, images);
  report(`${m}: every <video> reaches readyState >= 2`, `${nvideo} videos`, videos);
  if (ntimed === 0) skip(`${m}: video durations`, 'no MP4 with a manifest beside the site');
  else report(`${m}: every MP4 lasts its lesson and seeks to its last frame`,
              `${ntimed} videos${nunseekable ? `, ${nunseekable} not seekable from this server: duration only` : ''}`, timings);
  if (narrated.size === 0) skip(`${m}: captions`, 'no lesson has narration');
  else report(`${m}: every narrated lesson's video has its captions' cues loaded`, `${ncap} videos`, captions);
  report(`${m}: every link resolves to a file of the site`, `${nlink} links`, links);
  if (nformula === 0) skip(`${m}: formulas`, 'no page has an svg[role=img]');
  else report(`${m}: every formula has an aria-label, a size, and spaces around it in the text`, `${nformula} formulas`, formulas);

  // the GIF fallbacks
  const gifProblems = [];
  step(`${mode}: the GIF fallbacks`);
  for (const [src, p] of gifs) {
    if (mode === 'file') {
      const r = siteFile(new URL(src), null);
      if (r.error) gifProblems.push(`${p}: GIF ${src}: ${r.error}`);
      continue;
    }
    const r = await ctx.request.get(src).catch((e) => ({ error: e.message }));
    if (r.error) { gifProblems.push(`${p}: GIF ${src}: ${r.error}`); continue; }
    const body = await r.body();
    if (r.status() !== 200) gifProblems.push(`${p}: GIF ${src}: HTTP ${r.status()}`);
    else if (body.subarray(0, 4).toString('latin1') !== 'GIF8') gifProblems.push(`${p}: GIF ${src}: not a GIF`);
  }
  report(mode === 'file' ? `${m}: every GIF fallback is a file of the site` : `${m}: every GIF fallback fetches with status 200`,
    `${gifs.size} GIFs`, gifProblems);

  await searchCheck(ctx, mode, urlOf, base);
  await sliderCheck(ctx, mode, urlOf, origin, base);
  await autoplayCheck(browser, mode, urlOf);
  await ctx.close();
}

// ---- search ---------------------------------------------------------------------------
function distinctiveWord(index, entry) {
  const words = (s) => s.toLowerCase().split(/[^a-z0-9\u00c0-\uffff]+/).filter(Boolean);
  const texts = index.map((e) => (e.t + ' ' + e.x).toLowerCase());
  let best = null;
  for (const w of new Set(words(entry.x))) {
    if (w.length < 4 || /^[0-9]+$/.test(w)) continue;
    const n = texts.filter((t) => t.includes(w)).length;
    if (!best || n < best.n || (n === best.n && w.length > best.w.length)) best = { w, n };
  }
  return best && best.w;
}

async function searchCheck(ctx, mode, urlOf, base) {
  const m = mode === 'file' ? 'file://' : 'http';
  const problems = [];
  const index = searchIndex();
  for (const e of index) {
    const r = siteFile(new URL(e.u, pathToFileURL(site + path.sep)), null);
    if (r.error) problems.push(`search-index.js: entry '${e.t}' -> ${e.u}: ${r.error}`);
  }
  const entry = index.find((e) => e.k === 'lesson');
  if (!entry) {
    skip(`${m}: search`, 'search-index.js has no lesson');
    return;
  }
  const word = distinctiveWord(index, entry);
  if (!word) {
    report(`${m}: search`, '', [`no word of 4 letters or more in the caption of '${entry.t}'`]);
    return;
  }
  // from the title page and from a lesson page (their links' root differ)
  const from = ['index.html', lessons.length ? rel(lessons[lessons.length - 1]) : null].filter(Boolean);
  for (const p of from) {
    step(`${mode}: search from ${p}`);
    const { page, bad } = await openPage(ctx, urlOf(p), mode, base);
    try {
      await page.locator('#search').pressSequentially(word, { delay: 20 });
      await page.waitForSelector('#search-results:not([hidden]) li', { timeout: 5000 });
      const hrefs = await page.$$eval('#search-results li > a', (as) => as.map((a) => a.href));
      const want = urlOf(entry.u);
      if (!hrefs.includes(want)) {
        problems.push(`${p}: typing '${word}' listed ${hrefs.length ? hrefs.join(', ') : 'nothing'}, not ${entry.u}`);
      } else {
        await Promise.all([page.waitForURL(want, { timeout: 10000 }),
          page.click(`#search-results li > a[href$="${entry.u}"]`)]);
        if (page.url() !== want) problems.push(`${p}: the result for '${word}' went to ${page.url()}, not ${want}`);
      }
    } catch (e) {
      problems.push(`${p}: typing '${word}': ${e.message.split('\n')[0]}`);
    }
    problems.push(...bad.map((b) => `${p}: ${b}`));
    await page.close();
  }
  report(`${m}: search for '${word}' (from the caption of '${entry.t}') lists and opens ${entry.u}`,
    `from ${from.join(' and ')}`, problems);
}

// ---- the variants' slider ---------------------------------------------------------------
async function sliderCheck(ctx, mode, urlOf, origin, base) {
  const m = mode === 'file' ? 'file://' : 'http';
  const withVariants = pages.filter((p) => fs.readFileSync(path.join(site, p), 'utf8').includes('class="variants"'));
  if (withVariants.length === 0) {
    skip(`${m}: the variants slider`, 'no lesson has variants');
    return;
  }
  const problems = [];
  for (const p of withVariants) {
    step(`${mode}: slider on ${p}`);
    const { page, bad } = await openPage(ctx, urlOf(p), mode, base);
    try {
      const box = page.locator('figure.lesson .variants').first();
      const input = box.locator('input[type=range]');
      const values = await box.locator('li[data-value]').evaluateAll((lis) => lis.map((li) => ({
        value: li.getAttribute('data-value'),
        mp4: li.hasAttribute('data-mp4') ? new URL(li.getAttribute('data-mp4'), document.baseURI).href : '',
        gif: li.hasAttribute('data-gif') ? new URL(li.getAttribute('data-gif'), document.baseURI).href : '',
        poster: li.hasAttribute('data-poster') ? new URL(li.getAttribute('data-poster'), document.baseURI).href : '',
      })));
      for (const v of values) {
        for (const k of ['mp4', 'gif', 'poster']) {
          if (!v[k]) continue;
          const r = siteFile(new URL(v[k]), base);
          if (r.error) problems.push(`${p}: variant '${v.value}': data-${k} ${v[k]}: ${r.error}`);
        }
      }
      const max = +(await input.getAttribute('max'));
      if (values.length !== max + 1) problems.push(`${p}: the slider has max ${max} but ${values.length} values`);
      const state = () => page.evaluate(() => {
        const fig = document.querySelector('.variants').closest('figure');
        const v = fig.querySelector('video');
        const s = v && v.querySelector('source[type="video/mp4"]');
        return { out: fig.querySelector('.variants output').textContent, mp4: s ? s.src : '',
          current: v ? v.currentSrc : '', value: fig.querySelector('.variants input').value };
      });
      const before = await state();
      if (before.out !== values[0].value) problems.push(`${p}: the <output> starts at '${before.out}', not '${values[0].value}'`);
      // move it as a reader would: focus, then the arrow keys
      for (let i = 1; i < values.length; i++) {
        const prev = await state();
        await input.focus();
        await page.keyboard.press('ArrowRight');
        const now = await state();
        if (now.value !== String(i)) { problems.push(`${p}: ArrowRight left the slider at ${now.value}, not ${i}`); break; }
        if (now.out === prev.out) problems.push(`${p}: at ${i} the <output> still reads '${now.out}'`);
        if (now.out !== values[i].value) problems.push(`${p}: at ${i} the <output> reads '${now.out}', not '${values[i].value}'`);
        if (values[i].mp4 && now.mp4 !== values[i].mp4) problems.push(`${p}: at ${i} the MP4 source is ${now.mp4}, not ${values[i].mp4}`);
        if (now.mp4 === prev.mp4) problems.push(`${p}: at ${i} the MP4 source did not change (${now.mp4})`);
        const v = await page.$('.variants >> xpath=ancestor::figure//video');
        if (v) {
          const r = await videoReady(page, v);
          if (r.ready < 2) problems.push(`${p}: at ${i} ('${now.out}') the video does not load: readyState ${r.ready}${r.error ? `, error ${r.error}` : ''} (${r.src})`);
          else if (values[i].mp4 && r.src !== values[i].mp4) problems.push(`${p}: at ${i} the video plays ${r.src}, not ${values[i].mp4}`);
        }
      }
      await input.focus();
      await page.keyboard.press('Home');
      const back = await state();
      if (back.out !== values[0].value || (values[0].mp4 && back.mp4 !== values[0].mp4)) {
        problems.push(`${p}: back at 0 the slider shows '${back.out}' and ${back.mp4}`);
      }
    } catch (e) {
      problems.push(`${p}: ${e.message.split('\n')[0]}`);
    }
    problems.push(...bad.map((b) => `${p}: ${b}`));
    await page.close();
  }
  report(`${m}: the variants slider changes the <output> and the video's MP4`, withVariants.join(', '), problems);
}

// ---- playing when seen --------------------------------------------------------------------
async function autoplayCheck(browser, mode, urlOf) {
  const m = mode === 'file' ? 'file://' : 'http';
  const page0 = chapters.map(rel).find((p) => fs.readFileSync(path.join(site, p), 'utf8').includes('data-autoplay'));
  if (!page0) { skip(`${m}: autoplay`, 'no chapter has a video'); return; }
  const problems = [];
  for (const reducedMotion of ['no-preference', 'reduce']) {
    step(`${mode}: autoplay on ${page0} (${reducedMotion})`);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
    const page = await ctx.newPage();
    try {
      await page.goto(urlOf(page0), { waitUntil: 'load' });
      const v = await page.$('video[data-autoplay]');
      await v.scrollIntoViewIfNeeded();
      if (reducedMotion === 'reduce') {
        await page.waitForTimeout(1500);
        const r = await v.evaluate((x) => ({ paused: x.paused, t: x.currentTime }));
        if (!r.paused || r.t > 0) problems.push(`${page0}: under prefers-reduced-motion the video plays (currentTime ${r.t})`);
      } else {
        const ok = await page.waitForFunction((x) => !x.paused && x.currentTime > 0, v, { timeout: VIDEO_TIMEOUT })
          .then(() => true, () => false);
        if (!ok) {
          const r = await v.evaluate((x) => ({ paused: x.paused, t: x.currentTime, ready: x.readyState }));
          problems.push(`${page0}: the first video, in view, does not play (paused ${r.paused}, currentTime ${r.t}, readyState ${r.ready})`);
        }
      }
    } catch (e) {
      problems.push(`${page0} (${reducedMotion}): ${e.message.split('\n')[0]}`);
    }
    await ctx.close();
  }
  report(`${m}: a video plays when scrolled into view, and not under prefers-reduced-motion`, page0, problems);
}

// ---- a phone's width ------------------------------------------------------------------------
// Every page at 390 px: nothing may make it wider than the screen (the
// reader would scroll the whole page sideways). A formula, code block or
// table that scrolls sideways in its own box is only a warning.
async function phoneCheck(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
  const problems = [];
  for (const p of pages) {
    step(`390 px: ${p}`);
    const page = await ctx.newPage();
    try {
      await page.goto(new URL(p, base).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const o = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const name = (el) => el.tagName.toLowerCase() +
          (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '') +
          (el.getAttribute('src') ? `[src="${el.getAttribute('src')}"]` : '');
        const clipped = (el) => {
          for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
          }
          return false;
        };
        const wide = new Set();
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > w + 1 && !clipped(el) && !(el.parentElement && wide.has(el.parentElement))) wide.add(el);
        }
        const cut = [];
        for (const el of document.querySelectorAll('.math.display, pre, table')) {
          if (el.checkVisibility() && el.scrollWidth > el.clientWidth + 1) {
            const label = (el.querySelector('svg') || el).getAttribute('aria-label') || el.textContent.trim().slice(0, 40);
            cut.push(`${name(el)} '${label}' (${el.scrollWidth} px in ${el.clientWidth} px)`);
          }
        }
        return { scroll: document.documentElement.scrollWidth, w, wide: [...wide].slice(0, 5).map((el) =>
          `${name(el)} (${Math.round(el.getBoundingClientRect().width)} px wide, right edge at ${Math.round(el.getBoundingClientRect().right)} px)`), cut };
      });
      if (o.scroll > o.w) problems.push(`${p}: ${o.scroll} px wide on a ${o.w} px screen: ${o.wide.join(', ')}`);
      for (const c of o.cut) warn(`${p} at 390 px: ${c} scrolls sideways in its box`);
    } catch (e) {
      problems.push(`${p}: ${e.message.split('\n')[0]}`);
    }
    await page.close();
  }
  await ctx.close();
  report('no page is wider than a 390 px phone screen', `${pages.length} pages`, problems);
}

// ---- screenshots -----------------------------------------------------------------------------
async function screenshots(browser, base) {
  // the chapter that shows the most: formulas, a slider, a picture in the prose
  const score = (p) => {
    const h = fs.readFileSync(path.join(site, p), 'utf8');
    return /<svg[^>]*role="img"/.test(h) + h.includes('class="variants"') + /<p><img /.test(h);
  };
  const chapter = chapters.map(rel).reduce((best, p) => (best === null || score(p) > score(best) ? p : best), null);
  const lesson = lessons.map(rel).find((p) => fs.readFileSync(path.join(site, p), 'utf8').includes('class="variants"'))
    || (lessons[0] && rel(lessons[0]));
  const targets = [['index', 'index.html'], ['chapter', chapter], ['lesson', lesson]].filter((t) => t[1]);
  const index = searchIndex();
  const entry = index.find((e) => e.k === 'lesson');
  const word = entry && distinctiveWord(index, entry);
  const problems = [];
  const saved = [];
  const shoot1 = async (ctx, scheme, width, height, suffix, name, p) => {
    const page = await ctx.newPage();
    try {
      await page.goto(new URL(p, base).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      // The whole page in one tall window: a fullPage capture re-lays the
      // page out, and the players show their loading spinner for a second
      // after that. Reduced motion: the videos show their posters.
      const tall = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width, height: Math.max(height, tall) });
      await page.waitForFunction(() => Array.prototype.every.call(document.querySelectorAll('video'),
        (v) => v.networkState !== 2 || v.readyState >= 3), null, { timeout: 5000 }).catch(() => {});
      await page.waitForTimeout(1500);
      const file = path.join(shots, `${name}-${suffix}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.setViewportSize({ width, height });
      saved.push(path.basename(file));
      if (name === 'lesson' && word) {
        // the search box's results, over the page
        await page.locator('#search').pressSequentially(word, { delay: 10 });
        await page.waitForSelector('#search-results:not([hidden]) li', { timeout: 5000 });
        await page.waitForTimeout(1500);
        const sfile = path.join(shots, `search-${suffix}.png`);
        await page.screenshot({ path: sfile });
        saved.push(path.basename(sfile));
      }
    } catch (e) {
      problems.push(`${p} (${suffix}): ${e.message.split('\n')[0]}`);
    }
    await page.close();
  };
  const shoot = async (scheme, width, height, suffix) => {
    step(`screenshots (${suffix})`);
    const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, reducedMotion: 'reduce' });
    await Promise.all(targets.map(([name, p]) => shoot1(ctx, scheme, width, height, suffix, name, p)));
    await ctx.close();
  };
  await shoot('light', 1280, 800, 'light');
  await shoot('dark', 1280, 800, 'dark');
  await shoot('light', 390, 844, 'phone-light');
  await shoot('dark', 390, 844, 'phone-dark');
  report(`screenshots in ${shots}`, saved.sort().join(' '), problems);
}

// ---- main -------------------------------------------------------------------------------------
const t0 = Date.now();
let server = null;
let browser = null;
// A hung browser or page must not hang the suite: past the limit the test
// says where it was and fails.
const limit = +(process.env.BOOK_TEST_TIMEOUT || 300);
const watchdog = setTimeout(() => {
  report(`the test finishes within ${limit} s`, '', [`still running after ${limit} s, at: ${lastStep}`]);
  console.log(`${passed} passed, ${failed} failed`);
  if (server) server.proc.kill();
  if (browser) browser.close().catch(() => {});
  setTimeout(() => process.exit(1), 2000).unref();
}, limit * 1000);
watchdog.unref();
try {
  console.log(`# ${pages.length} pages (${chapters.length} chapters, ${lessons.length} lessons), ` +
    `${narrated.size} narrated lesson(s), from ${site}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'],
  });
  let t = Date.now();
  const lap = (what) => { console.log(`# ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`); t = Date.now(); };
  await run(browser, 'file', null);
  lap('file://');
  server = await startServer();
  const base = new URL(`http://127.0.0.1:${server.port}/${encodeURIComponent(path.basename(site))}/`);
  console.log(`# http: ${base.href}`);
  await run(browser, 'http', base);
  lap('http');
  await phoneCheck(browser, base);
  lap('390 px');
  await screenshots(browser, base);
  lap('screenshots');
} catch (e) {
  report('the test ran to its end', '', [String(e && e.stack || e)]);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.proc.kill();
}
console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
