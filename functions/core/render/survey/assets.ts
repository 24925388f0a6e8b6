import { createHash } from 'node:crypto';
import { PHOTO_STYLE } from '../photo-style.ts';
import { PHOTO_SCRIPT } from './photo-script.ts';

/**
 * The survey page's style sheet and script. Both are inlined into the page and allowed by their
 * SHA-256 hashes in the Content-Security-Policy: one response, no extra round trip on a weak phone
 * connection, and nothing else may run or style the page.
 */

/** Mobile-first styles: large tap targets, one column, a sticky action bar. */
export const SURVEY_STYLE = `:root{--red:#b71c1c;--ink:#1d2733;--muted:#4f5b66;--line:#b0bec5;--bg:#f2f4f6}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:var(--bg);color:var(--ink)}
a{color:#0d47a1}
[hidden]{display:none!important}
.cond,.desc{margin:0 0 10px;color:#4a5760;font-size:.94em;line-height:1.45}
.report{margin:0 0 10px;padding:8px 10px;border-left:4px solid #1565c0;background:#eef4fb;border-radius:4px;font-size:.94em;line-height:1.45}.report-h{margin:0 0 4px;font-weight:600}.report ul{margin:0;padding:0;list-style:none}.report li+li{margin-top:6px}.report .when{color:#4a5760}.report .st{background:#e3ecf7;color:#0d3c75;margin:0 4px 0 0}
.vh{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0;padding:0;margin:-1px}
.top{background:var(--red);color:#fff;padding:10px 16px 16px}
.top .bar{display:flex;justify-content:space-between;align-items:center;gap:12px;font-size:.85rem;max-width:640px;margin:0 auto}
.top h1{font-size:1.3rem;line-height:1.35;margin:8px auto 0;max-width:640px}
.top a{color:#fff}
.lang{display:inline-flex;align-items:center;min-height:36px;padding:0 14px;border:1px solid #fff;border-radius:999px;text-decoration:none;font-weight:600}
main{max-width:640px;margin:0 auto;padding:12px 12px 0}
.card{background:#fff;border-radius:12px;padding:14px 16px;margin:0 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.center h2{font-size:1.15rem;margin:0;line-height:1.4}
.badge{display:inline-block;vertical-align:middle;background:#fdecea;color:#a31515;border-radius:4px;padding:0 6px;font-size:.8rem;font-weight:600;margin-left:6px}
.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:10px 0 0;font-size:.92rem}
.facts dt{color:var(--muted)}.facts dd{margin:0}
.dim>h2,.problems>h2{font-size:1.1rem;margin:0;display:flex;justify-content:space-between;align-items:baseline;gap:8px}
.dim>h2 span,.problems>h2 span{font-weight:400;color:var(--muted);font-size:.85rem}
.hint{color:var(--muted);font-size:.9rem;margin:4px 0 0}
.q{border:0;margin:0;padding:16px 0 4px;min-width:0;border-top:1px solid #e3e8eb}
.dim>h2+.q{border-top:0}
.q>legend,.q>label,.field>label,.field>legend{float:left;width:100%;font-weight:600;padding:0;margin:0 0 10px;line-height:1.45}
.q>legend+*,.q>label+*,.field>label+*,.field>legend+*{clear:both}
.req{color:#a31515;margin-left:3px}
.err{clear:both;color:#a31515;font-size:.92rem;font-weight:600;margin:0 0 8px}
.err::before{content:"! ";font-weight:700}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:6px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.list{display:grid;gap:8px}
.row{display:flex;flex-wrap:wrap;gap:6px}.row .opt{min-width:52px;flex:1 0 52px}
.opt{position:relative;display:block;cursor:pointer}
.opt input{position:absolute;opacity:0;inset:0;width:100%;height:100%;margin:0;cursor:pointer}
.opt span{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:56px;height:100%;border:2px solid var(--line);border-radius:10px;background:#fff;font-size:1.25rem;font-weight:700;line-height:1.15;text-align:center;padding:6px 2px}
.opt small{display:block;font-size:.66rem;font-weight:400;color:var(--muted);margin-top:3px;line-height:1.2}
.pair .opt span{font-size:1.05rem;min-height:52px}
.list .opt span{flex-direction:row;justify-content:flex-start;text-align:left;font-size:1rem;font-weight:400;line-height:1.4;padding:10px 12px;min-height:50px}
.list .opt span::before{content:"";flex:none;width:20px;height:20px;border:2px solid var(--line);border-radius:50%;margin-right:10px;background:#fff}
.opt input:checked+span{background:var(--red);border-color:var(--red);color:#fff}
.opt input:checked+span small{color:#fff}
.list .opt input:checked+span::before{border:6px solid #fff;background:var(--red)}
.opt input:focus-visible+span{outline:3px solid #1565c0;outline-offset:2px}
.na{margin-top:8px;display:flex}.na .opt span{min-height:40px;font-size:.9rem;font-weight:400;padding:4px 14px}
.scale-ends{display:flex;justify-content:space-between;font-size:.75rem;color:var(--muted);margin-top:4px}
input[type=number],textarea,select{display:block;width:100%;font:inherit;color:inherit;padding:10px 12px;border:2px solid var(--line);border-radius:10px;background:#fff;min-height:50px}
.num{display:flex;align-items:center;gap:10px}.num input{flex:1;max-width:14rem}.num span{color:var(--muted)}
textarea{min-height:104px;resize:vertical}
:focus-visible{outline:3px solid #1565c0;outline-offset:2px}
[aria-invalid=true] .opt span,input[aria-invalid=true],textarea[aria-invalid=true],select[aria-invalid=true]{border-color:#a31515}
.notice{border-radius:12px;padding:12px 16px;margin:0 0 12px;background:#fff8e1;border:1px solid #f0c36d}
.notice.ok{background:#e8f5e9;border-color:#81c784}
.notice.alert{background:#fdecea;border-color:#e57373}
.notice h2{font-size:1.05rem;margin:0 0 4px}.notice p{margin:4px 0 0}.notice ul{margin:6px 0 0;padding-left:20px}
.problem{border:1.5px solid #d5dde2;border-radius:12px;margin:12px 0 0;padding:0 12px 8px;min-width:0}
.problem>legend{font-weight:700;padding:0 6px}
.field{border:0;margin:0;padding:8px 0 0;min-width:0}
.sev{grid-template-columns:repeat(3,1fr)}.sev .opt span{font-size:1rem;min-height:48px}
.problem .remove{margin-top:4px}
.photos{padding:10px 0 0}.ph-h{font-weight:600;margin:0 0 8px}.ph-h span{font-weight:400;color:var(--muted);font-size:.85rem}
.ph-list{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(3,1fr);gap:8px}.ph-list:empty{display:none}
.ph{position:relative;aspect-ratio:1;border-radius:8px;overflow:hidden;background:#e3e8eb;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;font-size:.8rem;line-height:1.3;color:var(--ink)}
.ph a{display:block;width:100%;height:100%}.ph img{display:block;width:100%;height:100%;object-fit:cover}
.ph.wait img{position:absolute;inset:0;opacity:.35}.ph.wait span{position:relative;padding:4px;font-weight:600}.ph progress{position:relative;width:80%;margin-top:4px}
.ph.refused{grid-column:1/-1;aspect-ratio:auto;display:block;background:#fdecea;padding:8px 10px;text-align:left}.ph.refused .err{margin:0}
.ph.gone{background:#f3f6f8;color:var(--muted)}
.ph-add,.ph-pick{width:100%;margin-top:8px;font-weight:600}.ph-pick:focus-within{outline:3px solid #1565c0;outline-offset:2px}
.summary dd .ph-list{margin-top:8px}.summary .ph-h{font-size:1rem;margin-top:12px}
button,.button{font:inherit;font-weight:700;min-height:50px;border-radius:10px;border:0;padding:0 16px;cursor:pointer;display:inline-flex;align-items:center;justify-content:center;text-decoration:none}
.primary{background:var(--red);color:#fff}
.secondary{background:#fff;color:var(--red);border:2px solid var(--red)}
.link{background:none;color:#0d47a1;text-decoration:underline;font-weight:400;min-height:44px;padding:0}
.add{width:100%;margin-top:12px}
.actions{position:sticky;bottom:0;z-index:2;background:#fff;border-top:1px solid #d5dde2;box-shadow:0 -2px 8px rgba(0,0,0,.06);margin:0 -12px;padding:8px 12px calc(10px + env(safe-area-inset-bottom));display:grid;grid-template-columns:2fr 3fr;gap:8px}
.status{grid-column:1/-1;display:flex;justify-content:space-between;gap:12px;font-size:.85rem;line-height:1.4;height:1.4em;margin:0;color:var(--muted);white-space:nowrap}
.status span{overflow:hidden;text-overflow:ellipsis}.status #progress{flex:none}
.summary dl{margin:0}.summary dt{font-weight:600;margin-top:12px}.summary dd{margin:4px 0 0;padding:8px 10px;background:#f3f6f8;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}
.summary .none{color:var(--muted)}
.versions{font-size:.88rem;color:var(--muted);margin:8px 0 0;padding-left:20px}
.edit{width:100%;margin:4px 0 16px}
footer{max-width:640px;margin:0 auto;padding:16px 16px 28px;font-size:.8rem;color:var(--muted)}
@media (min-width:600px){main{padding-top:20px}.actions{margin:0;border-radius:12px 12px 0 0}}${PHOTO_STYLE}
`;

/**
 * Progressive enhancement: saves a draft as the supervisor goes (and keeps it on the phone while
 * offline), counts answered questions, checks required answers before sending, adds and removes
 * problem rows in place. Without it the page is a plain form that does all of this via the server.
 * Written for older phone browsers: no optional chaining, no modules.
 */
export const SURVEY_SCRIPT = `(function () {
  'use strict';
  var form = document.getElementById('survey');
  var storeKey = 'survey-draft:' + location.pathname;
  function forget() { try { localStorage.removeItem(storeKey); } catch (e) { /* storage may be disabled */ } }
  if (document.querySelector('[data-submitted]')) forget();
  if (!form || !window.fetch || !window.FormData || !window.JSON) return;
  var d = form.dataset;
  var statusEl = document.getElementById('save-status');
  var progressEl = document.getElementById('progress');
  var list = document.getElementById('problem-list');
  var template = document.getElementById('problem-template');
  var timer = null, inFlight = false, again = false, lastButton = null;

  function say(text) { if (statusEl) statusEl.textContent = text; }
  function two(n) { return (n < 10 ? '0' : '') + n; }
  function clock(t) { return two(t.getHours()) + ':' + two(t.getMinutes()); }

  function collect() {
    var out = { problems: [] };
    new FormData(form).forEach(function (value, key) {
      if (key === 'submissionId' || key === 'intent' || key === 'lang' || key === 'openedAt') return;
      if (key === 'removedProblems') { out.removedProblems = String(value).split(/\\s+/).filter(Boolean); return; }
      var m = /^problems\\.(\\d+)\\.(category|description|severity|key)$/.exec(key);
      if (m) {
        var i = Number(m[1]);
        while (out.problems.length <= i) out.problems.push({});
        out.problems[i][m[2]] = String(value);
        return;
      }
      out[key] = String(value);
    });
    return out;
  }

  function backup(body) {
    try { localStorage.setItem(storeKey, JSON.stringify({ at: Date.now(), body: body })); } catch (e) { /* full or disabled */ }
  }
  function clearBackup(body) {
    try {
      var kept = JSON.parse(localStorage.getItem(storeKey) || 'null');
      if (kept && kept.body === body) forget();
    } catch (e) { forget(); }
  }

  function save(keepalive) {
    clearTimeout(timer);
    timer = null;
    if (inFlight) { again = true; return; }
    var body = JSON.stringify(collect());
    backup(body);
    inFlight = true;
    again = false;
    say(d.msgSaving);
    fetch(d.draftUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: body,
      keepalive: !!keepalive,
      credentials: 'same-origin'
    }).then(function (res) {
      if (!res.ok) throw res;
      clearBackup(body);
      forgetRemoved(JSON.parse(body).removedProblems || []);
      say(d.msgSaved.replace('{time}', clock(new Date())));
    }).catch(function (res) {
      say(res && res.status === 410 ? d.msgClosed : res && res.status === 400 ? d.msgRejected : d.msgOffline);
    }).then(function () {
      inFlight = false;
      if (again) schedule();
    });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(save, 800); }

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll('[data-q]')).filter(function (q) { return !q.hidden; });
  }
  var questionOf = {};
  Array.prototype.forEach.call(form.querySelectorAll('[data-q]'), function (q) { questionOf[q.getAttribute('data-q')] = q; });
  function valueOf(name) {
    var q = Object.prototype.hasOwnProperty.call(questionOf, name) ? questionOf[name] : null;
    if (q && q.hidden) return '';
    var el = form.elements.namedItem(name);
    return el && el.value ? String(el.value).trim() : '';
  }
  // Conditions on earlier answers, as functions/core/responses/condition.ts evaluates them: a question not asked is
  // hidden, its inputs disabled so that nothing of it is sent, and it is neither counted nor required.
  function answer(name) {
    var v = valueOf(name);
    return v === '' || v === 'na' ? null : v;
  }
  function same(a, v) { return typeof v === 'number' ? /^-?\\d+(\\.\\d+)?$/.test(a) && Number(a) === v : a === v; }
  function holds(c) {
    if (c.op === 'and') return holds(c.left) && holds(c.right);
    if (c.op === 'or') return holds(c.left) || holds(c.right);
    var a = answer(c.question);
    if (c.op === 'empty') return a === null;
    if (c.op === 'notempty') return a !== null;
    if (c.op === 'anyof') return a !== null && c.values.some(function (v) { return same(a, v); });
    if (c.op === 'noneof') return a === null || !c.values.some(function (v) { return same(a, v); });
    if (c.op === '=') return a !== null && same(a, c.value);
    if (c.op === '!=') return a === null || !same(a, c.value);
    var n = a !== null && /^-?\\d+(\\.\\d+)?$/.test(a) ? Number(a) : NaN, v = Number(c.value);
    if (isNaN(n) || isNaN(v)) return false;
    return c.op === '<' ? n < v : c.op === '<=' ? n <= v : c.op === '>' ? n > v : n >= v;
  }
  function conditions() {
    Array.prototype.forEach.call(form.querySelectorAll('[data-if]'), function (q) {
      var shown;
      try { shown = holds(JSON.parse(q.getAttribute('data-if'))); } catch (e) { shown = true; }
      q.hidden = !shown;
      Array.prototype.forEach.call(q.querySelectorAll('input,textarea,select'), function (el) { el.disabled = !shown; });
      if (!shown) showError(q, '');
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll('.cond'), function (note) { note.hidden = true; });
  function update() {
    conditions();
    var qs = questions(), done = 0;
    qs.forEach(function (q) { if (valueOf(q.getAttribute('data-q'))) done++; });
    if (progressEl) progressEl.textContent = d.msgProgress.replace('{n}', String(done)).replace('{t}', String(qs.length));
  }

  function showError(q, text) {
    var id = q.getAttribute('data-q');
    var target = document.getElementById('f-' + id) || q;
    var err = document.getElementById('e-' + id);
    if (text) {
      if (!err) {
        err = document.createElement('p');
        err.className = 'err';
        err.id = 'e-' + id;
        q.firstElementChild.insertAdjacentElement('afterend', err);
      }
      err.textContent = text;
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', err.id);
    } else if (err) {
      err.parentNode.removeChild(err);
      target.removeAttribute('aria-invalid');
      target.removeAttribute('aria-describedby');
    }
  }
  function validate() {
    var first = null, missing = 0;
    questions().forEach(function (q) {
      var empty = q.hasAttribute('data-required') && !valueOf(q.getAttribute('data-q'));
      showError(q, empty ? d.msgRequired : '');
      if (empty) { missing++; if (!first) first = q; }
    });
    if (first) {
      say(d.msgMissing.replace('{n}', String(missing)));
      var focusable = first.querySelector('input,textarea,select');
      first.scrollIntoView({ block: 'center' });
      if (focusable) focusable.focus({ preventScroll: true });
    }
    return !first;
  }

  // Each row has a key, kept while it lives: its photos are the key's, so they stay with it when rows before it go.
  function newKey() {
    var bytes = new Uint8Array(8), out = 'k';
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (var b = 0; b < bytes.length; b++) bytes[b] = Math.floor(Math.random() * 256);
    for (var j = 0; j < bytes.length; j++) out += (bytes[j] < 16 ? '0' : '') + bytes[j].toString(16);
    return out.slice(0, 16);
  }
  // Keys of the rows removed since the last save (a hidden field, so a plain submission carries them too).
  var removedEl = form.elements.namedItem('removedProblems');
  function removedKeys() { return removedEl && removedEl.value ? removedEl.value.split(/\\s+/).filter(Boolean) : []; }
  function setRemoved(keys) { if (removedEl) removedEl.value = keys.join(' '); }
  function forgetRemoved(sent) { setRemoved(removedKeys().filter(function (k) { return sent.indexOf(k) < 0; })); }
  function rows() { return Array.prototype.slice.call(list.querySelectorAll('.problem')); }
  function addRow(focus, key) {
    var i = rows().length;
    if (i >= Number(d.maxProblems)) return;
    list.insertAdjacentHTML('beforeend', template.innerHTML.replace(/__i__/g, String(i)).replace(/__n__/g, String(i + 1)).replace(/__k__/g, key || newKey()));
    // The photo script shows the rows' photos and pickers again (a row comes from the template).
    document.dispatchEvent(new Event('problems-changed'));
    if (focus) {
      var first = document.getElementById('p' + i + '-category');
      if (first) first.focus();
    }
  }
  function setField(name, value) {
    var el = form.elements.namedItem(name);
    if (el) el.value = value === null || value === undefined ? '' : String(value);
  }
  function fillProblems(problems) {
    rows().forEach(function (r) { r.parentNode.removeChild(r); });
    problems.forEach(function (p, i) {
      addRow(false, p.key);
      ['category', 'description', 'severity'].forEach(function (part) { setField('problems.' + i + '.' + part, p[part]); });
    });
    if (!problems.length) addRow(false);
  }
  function apply(data) {
    Object.keys(data).forEach(function (name) { if (name !== 'problems' && name !== 'removedProblems') setField(name, data[name]); });
    setRemoved(data.removedProblems || []);
    fillProblems(data.problems || []);
    update();
  }

  form.addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('button') : null;
    if (b) lastButton = b;
  });
  form.addEventListener('submit', function (e) {
    var button = e.submitter || lastButton;
    var intent = button && button.name === 'intent' ? button.value : 'submit';
    lastButton = null;
    var remove = /^remove-problem-(\\d+)(-confirmed)?$/.exec(intent);
    if (intent === 'draft') { e.preventDefault(); save(false); return; }
    if (intent === 'add-problem') { e.preventDefault(); addRow(true); schedule(); return; }
    // A photo row's plain button: the form goes as it is (the server saves the draft, then offers the upload).
    if (/^photo-\\d+$/.test(intent)) { clearTimeout(timer); timer = null; return; }
    if (remove) {
      e.preventDefault();
      // A row's photos go with it: ask first when it has some.
      var at = Number(remove[1]);
      var row = rows()[at];
      var photos = row ? row.querySelectorAll('.ph-list li').length : 0;
      if (photos && !remove[2] && !window.confirm(d.msgPhRemove.replace('{n}', String(at + 1)).replace('{k}', String(photos)))) return;
      var problems = collect().problems;
      var gone = problems[at] && problems[at].key;
      if (gone) {
        setRemoved(removedKeys().concat([gone]));
        document.dispatchEvent(new CustomEvent('problem-removed', { detail: gone }));
      }
      problems.splice(at, 1);
      fillProblems(problems);
      schedule();
      var add = document.getElementById('add-problem');
      if (add) add.focus();
      return;
    }
    if (!validate()) { e.preventDefault(); return; }
    clearTimeout(timer);
    timer = null;
    say(d.msgSending);
    setTimeout(function () { if (button) button.disabled = true; }, 0);
  });
  // Errors clear while typing, not on blur: a message vanishing on blur would shift the page under
  // the finger that is already tapping the next answer.
  function edited(e) {
    var q = e.target && e.target.closest ? e.target.closest('[data-q]') : null;
    if (q && valueOf(q.getAttribute('data-q'))) showError(q, '');
    update();
    schedule();
  }
  form.addEventListener('input', edited);
  form.addEventListener('change', edited);
  var flush = function () { if (timer) save(true); };
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(); });
  var lang = document.getElementById('lang-switch');
  if (lang) lang.addEventListener('click', flush);
  window.addEventListener('online', function () { if (statusEl && statusEl.textContent === d.msgOffline) save(false); });

  try {
    var kept = JSON.parse(localStorage.getItem(storeKey) || 'null');
    if (kept && kept.at > Date.parse(d.savedAt || '1970-01-01T00:00:00Z')) {
      apply(JSON.parse(kept.body));
      say(d.msgRestoredLocal);
      save(false);
    } else if (kept) forget();
  } catch (e) { forget(); }
  update();
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The survey pages' Content-Security-Policy: only the inlined style and scripts above may apply. A page
 * showing photos may load images from the evidence bucket's origin; the form, whose script sends photos
 * there, may also connect to it and show the photos waiting on the phone (`blob:`).
 */
export const surveyCsp = (photos?: { bucketOrigin: string; send: boolean }): string =>
  [
    "default-src 'none'",
    `script-src ${sha256(SURVEY_SCRIPT)} ${sha256(PHOTO_SCRIPT)}`,
    `style-src ${sha256(SURVEY_STYLE)}`,
    `img-src 'self' data:${photos ? `${photos.send ? ' blob:' : ''} ${photos.bucketOrigin}` : ''}`,
    `connect-src 'self'${photos?.send ? ` ${photos.bucketOrigin}` : ''}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

/** Content-Security-Policy of every survey page without photos. */
export const SURVEY_CSP = surveyCsp();
