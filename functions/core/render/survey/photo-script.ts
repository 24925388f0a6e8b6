/**
 * The survey page's photo script (inlined beside the page script, allowed by its hash). Each problem row
 * gets a camera-or-gallery picker; a chosen photo is kept on the phone (IndexedDB: the file and its
 * problem row's key) until it has reached the bucket, so a photo taken offline, or on a page reloaded mid-upload,
 * is sent once the browser is online again. Sending follows docs/evidence.md: a slot from
 * POST /s/{token}/photos, the file posted to the bucket (fields in order, Content-Type, file), the
 * state polled until ready or refused. A photo's slot is kept with it on the phone before its file is sent,
 * so a photo sent again (the page closed before the phone let go of it, or a second tab) goes to the same
 * object, never twice; a photo found arrived is let go. One tab sends at a time (Web Locks). What happens to
 * each photo is said in a polite live region for screen readers. Without the script each row keeps its
 * plain upload button.
 * Written for older phone browsers: no optional chaining, no modules.
 */
export const PHOTO_SCRIPT = `(function () {
  'use strict';
  var form = document.getElementById('survey');
  if (!form || !form.dataset.photosUrl || !window.fetch || !window.FormData || !window.XMLHttpRequest || !window.Promise) return;
  var d = form.dataset;
  var lang = /^zh/.test(document.documentElement.lang) ? 'zh' : 'en';
  var reasons = {};
  try { reasons = JSON.parse(d.msgPhReasons); } catch (e) { /* messages of the server's list are used then */ }
  var server = [], local = [], sent = {}, listedAt = Date.now();
  var pumping = false, offline = false, closed = false, pollTimer = null, retryTimer = null;
  if (d.photoReturned) sent[d.photoReturned] = true;
  try { server = JSON.parse(d.photos || '[]'); } catch (e) { server = []; }

  // The queue on the phone: one record per photo not yet in the bucket, with its problem and its file.
  var dbOpen = null;
  function db() {
    if (!dbOpen) dbOpen = new Promise(function (ok, no) {
      if (!window.indexedDB) { no(new Error('no IndexedDB')); return; }
      var req = indexedDB.open('survey-photos', 1);
      req.onupgradeneeded = function () { req.result.createObjectStore('queue', { keyPath: 'id' }); };
      req.onsuccess = function () { ok(req.result); };
      req.onerror = function () { no(req.error); };
    });
    return dbOpen;
  }
  function queue(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (ok, no) {
        var t = conn.transaction('queue', mode), req = work(t.objectStore('queue'));
        t.oncomplete = function () { ok(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { no(t.error); };
      });
    });
  }
  function keep(item) {
    if (item.removed) return Promise.resolve();
    return queue('readwrite', function (s) {
      return s.put({ id: item.id, path: location.pathname, problem: item.problem, blob: item.blob, name: item.name, type: item.type, slot: item.slot || null });
    }).catch(function () { /* not kept: still sent while the page stays open */ });
  }
  function forget(item) { return queue('readwrite', function (s) { return s['delete'](item.id); }).catch(function () {}); }

  // What happens to the photos, said to screen readers (the bars and thumbnails are silent).
  var live = el('p', 'vh');
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  form.appendChild(live);
  function numberOf(key) {
    var block = form.querySelector('.photos[data-problem="' + String(key).replace(/[^a-z0-9]/g, '') + '"]');
    return block ? block.getAttribute('data-n') : '';
  }
  function announce(text, key) { live.textContent = text.replace('{n}', numberOf(key)); }
  // Arrived in the bucket: checked, or being checked, or gone since. Then the phone's copy is let go.
  function arrived(p) {
    return !!p && p.state !== 'uploading' && !(p.state === 'refused' && p.reason === 'not-received');
  }
  function findServer(photoId) { return server.filter(function (p) { return p.photoId === photoId; })[0]; }

  function shown(p) {
    if (p.state === 'discarded' || (p.state === 'refused' && p.reason === 'not-received')) return false;
    return p.state !== 'uploading' || !!sent[p.photoId];
  }
  function pending(p) { return p.state === 'checking' || (p.state === 'uploading' && !!sent[p.photoId]); }
  function textOf(p) {
    if (p.state === 'refused') return d.msgPhRefused + (reasons[p.reason] || (p.message && p.message[lang]) || '');
    if (p.state === 'purged') return d.msgPhPurged;
    return d.msgPhChecking;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function serverItem(p, n, k) {
    var li;
    if (p.state === 'ready' && p.url && p.thumbUrl) {
      li = el('li', 'ph ready');
      var a = el('a'), img = el('img');
      a.href = p.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      img.src = p.thumbUrl;
      img.alt = d.msgPhOpen.replace('{n}', String(n)).replace('{k}', String(k));
      a.appendChild(img);
      li.appendChild(a);
    } else if (p.state === 'refused') {
      li = el('li', 'ph refused');
      li.appendChild(el('p', 'err', textOf(p)));
    } else {
      li = el('li', p.state === 'purged' ? 'ph gone' : 'ph wait');
      li.appendChild(el('span', '', textOf(p)));
    }
    li.setAttribute('data-photo', p.photoId);
    li.setAttribute('data-state', p.state);
    return li;
  }
  function localItem(item) {
    if (item.stage === 'refused') {
      var r = el('li', 'ph refused local');
      r.appendChild(el('p', 'err', d.msgPhRefused + item.message));
      return r;
    }
    var li = el('li', 'ph wait local');
    li.setAttribute('data-state', item.stage === 'uploading' ? 'sending' : offline ? 'offline' : 'waiting');
    if (item.preview) {
      var img = el('img');
      img.src = item.preview;
      img.alt = '';
      li.appendChild(img);
    }
    var label = item.stage === 'uploading' ? d.msgPhUploading : item.failed ? d.msgPhFailed : offline ? d.msgPhOffline : d.msgPhWaiting;
    li.appendChild(el('span', '', label));
    if (item.stage === 'uploading') {
      var bar = el('progress');
      bar.max = 100;
      bar.value = item.progress || 0;
      bar.setAttribute('aria-label', d.msgPhUploading);
      li.appendChild(bar);
      item.bar = bar;
    }
    return li;
  }
  function render() {
    Array.prototype.forEach.call(form.querySelectorAll('.photos[data-problem]'), function (block) {
      var key = block.getAttribute('data-problem'), n = Number(block.getAttribute('data-n'));
      var list = block.querySelector('.ph-list');
      var add = block.querySelector('.ph-add');
      var pick = block.querySelector('.ph-pick');
      if (add) add.hidden = true;
      if (pick) pick.hidden = closed;
      if (!list) return;
      while (list.firstChild) list.removeChild(list.firstChild);
      var k = 0;
      server.forEach(function (p) { if (String(p.problem) === key && shown(p)) list.appendChild(serverItem(p, n, ++k)); });
      local.forEach(function (item) { if (String(item.problem) === key) list.appendChild(localItem(item)); });
    });
  }

  function setServer(photos) {
    photos.forEach(function (p) {
      var before = findServer(p.photoId);
      if (!before || before.state === p.state || !sent[p.photoId]) return;
      if (p.state === 'ready') announce(d.msgPhAnnounceReady, p.problem);
      else if (p.state === 'refused') announce(d.msgPhAnnounceRefused + textOf(p).replace(d.msgPhRefused, ''), p.problem);
    });
    server = photos;
    listedAt = Date.now();
    render();
    if (server.some(pending)) schedulePoll(1500);
  }
  function refresh() {
    return fetch(d.photosUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { if (!res.ok) throw res; return res.json(); })
      .then(function (data) { setServer(data.photos || []); });
  }
  function schedulePoll(ms) {
    if (pollTimer) return;
    pollTimer = setTimeout(function () {
      pollTimer = null;
      refresh().catch(function () { if (server.some(pending)) schedulePoll(5000); });
    }, ms);
  }

  function slotFor(item) {
    if (item.slot && Date.parse(item.slot.upload.expiresAt) - 60000 > Date.now()) return Promise.resolve(item.slot);
    return fetch(d.photosUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ problem: item.problem }),
      credentials: 'same-origin'
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.status === 201) { item.slot = body; return body; }
        throw { status: res.status, message: body && body.message };
      }, function () { throw { status: res.status }; });
    });
  }
  function post(item, slot) {
    return new Promise(function (ok, no) {
      var body = new FormData();
      Object.keys(slot.upload.fields).forEach(function (name) { body.append(name, slot.upload.fields[name]); });
      body.append('Content-Type', /^image\\//.test(item.type) ? item.type : 'image/jpeg');
      body.append('file', item.blob, item.name || 'photo.jpg');
      var xhr = new XMLHttpRequest();
      xhr.open('POST', slot.upload.url);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        item.progress = Math.round((e.loaded / e.total) * 100);
        if (item.bar) item.bar.value = item.progress;
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) ok();
        else no({ status: xhr.status, s3: xhr.responseText || '' });
      };
      xhr.onerror = function () { no({ status: 0 }); };
      xhr.send(body);
    });
  }
  function refuse(item, message) {
    item.stage = 'refused';
    item.message = message;
    forget(item);
  }
  function send(item) {
    item.stage = 'uploading';
    item.progress = 0;
    render();
    announce(d.msgPhAnnounceSending, item.problem);
    return slotFor(item).then(function (slot) {
      // The slot is kept with the photo before the file goes: sent again, it goes to the same object.
      return keep(item).then(function () { return post(item, slot); }).then(function () {
        sent[slot.photo.photoId] = true;
        if (local.indexOf(item) >= 0) local.splice(local.indexOf(item), 1);
        forget(item);
        // Its row was removed while it was on its way: the next save discards it with the row's other photos.
        if (item.removed) { removedAgain(String(item.problem)); return; }
        server.push({ photoId: slot.photo.photoId, problem: item.problem, state: 'uploading' });
        schedulePoll(1500);
      });
    }, function (error) {
      if (error && error.status === 409) refuse(item, error.message || '');
      else if (error && error.status === 410) { closed = true; item.stage = 'waiting'; }
      throw error;
    }).catch(function (error) {
      var status = error && typeof error.status === 'number' ? error.status : 0;
      if (item.stage === 'refused' || closed) return;
      if (status === 400 && /EntityTooLarge/.test(error.s3 || '')) { refuse(item, d.msgPhTooLarge); return; }
      // A slot refused by the bucket (expired meanwhile) is not used again.
      if (status === 403) item.slot = undefined;
      item.stage = 'waiting';
      item.failed = status !== 0;
      if (status === 0) offline = true;
      throw error;
    });
  }
  // One tab sends at a time; a photo another tab has sent meanwhile is gone from the phone's queue.
  function withLock(work) {
    return navigator.locks && navigator.locks.request ? navigator.locks.request('survey-photos:' + location.pathname, work) : work();
  }
  function stillWaiting(item) {
    return queue('readonly', function (s) { return s.get(item.id); }).then(function (record) {
      if (record === undefined && item.kept) {
        if (local.indexOf(item) >= 0) local.splice(local.indexOf(item), 1);
        return false;
      }
      if (record && record.slot) item.slot = record.slot;
      return true;
    }, function () { return true; });
  }
  function pump() {
    if (pumping || closed) return;
    var next = local.filter(function (x) { return x.stage === 'waiting'; })[0];
    if (!next) { render(); return; }
    if (navigator.onLine === false) { offline = true; render(); return; }
    offline = false;
    pumping = true;
    withLock(function () { return stillWaiting(next).then(function (waiting) { return waiting ? send(next) : undefined; }); }).then(function () {
      pumping = false;
      render();
      pump();
    }, function () {
      pumping = false;
      render();
      // Offline: the 'online' event resumes; a failure while online is tried again a little later.
      clearTimeout(retryTimer);
      if (!closed && navigator.onLine !== false) retryTimer = setTimeout(pump, 15000);
    });
  }

  function add(problem, file) {
    var item = { id: String(Date.now()) + '-' + Math.random().toString(36).slice(2), problem: problem, blob: file, name: file.name, type: file.type, stage: 'waiting' };
    if (window.URL && URL.createObjectURL) item.preview = URL.createObjectURL(file);
    local.push(item);
    if (file.size > Number(d.photoMaxBytes)) refuse(item, d.msgPhTooLarge);
    else return keep(item).then(function () { item.kept = true; });
    return Promise.resolve();
  }
  form.addEventListener('change', function (e) {
    var input = e.target;
    if (!input || !input.hasAttribute || !input.hasAttribute('data-pick') || !input.files) return;
    var problem = input.closest('.photos').getAttribute('data-problem');
    var files = Array.prototype.slice.call(input.files);
    input.value = '';
    Promise.all(files.map(function (f) { return add(problem, f); })).then(function () { render(); pump(); });
    render();
  });
  function removedAgain(key) {
    var el = form.elements.namedItem('removedProblems');
    if (!el) return;
    el.value = (el.value + ' ' + key).trim();
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  document.addEventListener('problems-changed', render);
  // A removed row's photos go with it: those still on the phone are not sent, those sent are discarded
  // by the server when the draft without the row is saved.
  document.addEventListener('problem-removed', function (e) {
    var key = String(e.detail);
    local.filter(function (item) { return String(item.problem) === key; }).forEach(function (item) {
      item.removed = true;
      local.splice(local.indexOf(item), 1);
      forget(item);
    });
    server.forEach(function (p) { if (String(p.problem) === key) p.state = 'discarded'; });
  });
  window.addEventListener('online', function () { offline = false; clearTimeout(retryTimer); render(); pump(); });
  window.addEventListener('offline', function () { offline = true; render(); });
  // Read URLs live five minutes: a page left open gets fresh ones before they lapse.
  setInterval(function () {
    if (document.visibilityState !== 'hidden' && Date.now() - listedAt > 240000 && server.some(function (p) { return p.state === 'ready'; })) refresh().catch(function () {});
  }, 30000);

  render();
  if (server.some(pending)) schedulePoll(1500);
  queue('readonly', function (s) { return s.getAll(); }).then(function (kept) {
    (kept || []).forEach(function (r) {
      if (r.path !== location.pathname) return;
      // Sent before the page went, its slot's photo arrived: nothing to send again.
      if (r.slot && arrived(findServer(r.slot.photo.photoId))) { forget(r); return; }
      var item = { id: r.id, problem: r.problem, blob: r.blob, name: r.name, type: r.type, stage: 'waiting', kept: true, slot: r.slot || undefined };
      if (window.URL && URL.createObjectURL) item.preview = URL.createObjectURL(r.blob);
      local.push(item);
    });
  }).catch(function () { /* nothing kept on this phone */ }).then(function () { render(); pump(); });
})();
`;
