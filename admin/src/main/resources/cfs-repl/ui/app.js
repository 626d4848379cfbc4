// The live status page: draws GET /replication/events and calls the pause, resume and sync routes. No library, no
// network access beyond this node. Everything is addressed relative to /ui/ (Pekko Management's base-path works).
'use strict';
(function () {
  const WINDOW_MS = 5 * 60 * 1000; // how much history each chart keeps
  const STALE_MS = 3000; // no event for this long (a frozen node sends nothing, not even an error): reconnect
  const TOKEN_KEY = 'cfs-repl.admin-token';
  const W = 600, H = 140;
  const root = new URL('../', location.href);
  const links = new Map(); // peer -> {el, samples: [{t, millis, entries}]}
  let source = null;
  let lastEventAt = 0;

  const $ = (id) => document.getElementById(id);
  const text = (el, value) => { el.textContent = value == null || value === '' ? '\u2013' : String(value); };

  function setConnection(state, label) {
    const el = $('connection');
    el.dataset.connection = state;
    document.body.dataset.connection = state;
    text(el, label || state);
  }

  function connect() {
    if (source) source.close();
    lastEventAt = Date.now(); // gives the new connection STALE_MS to deliver its first event
    setConnection(links.size ? 'disconnected' : 'connecting');
    source = new EventSource(new URL('replication/events', root));
    source.onmessage = (e) => {
      lastEventAt = Date.now();
      setConnection('connected');
      render(JSON.parse(e.data));
    };
    source.addEventListener('unavailable', (e) => {
      lastEventAt = Date.now();
      setConnection('unavailable', 'unavailable: ' + JSON.parse(e.data).message);
    });
    source.onerror = () => {
      setConnection('disconnected');
      // EventSource retries a dropped stream by itself, but gives up on an answer that is not a stream (503 while
      // the node starts): then it is ours to retry
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  }

  setInterval(() => {
    if (Date.now() - lastEventAt > STALE_MS) connect();
  }, 1000);

  function render(ev) {
    text($('site'), ev.site);
    document.title = 'cfs-repl ' + ev.site;
    text($('role'), ev.role);
    text($('epoch'), ev.epoch);
    text($('primary'), ev.primary);
    text($('node'), ev.node);
    $('site-health').dataset.health = ev.health;
    text($('site-health'), ev.health);
    // panels are placed as first seen: in peer order, whatever order the node lists its links in
    const sorted = ev.links.slice().sort((x, y) => x.peer.localeCompare(y.peer));
    for (const link of sorted) update(panel(link.peer), link, ev.atMillis);
  }

  function panel(peer) {
    let p = links.get(peer);
    if (!p) {
      const el = $('link-template').content.firstElementChild.cloneNode(true);
      el.dataset.peer = peer;
      el.id = 'link-' + peer;
      el.querySelector('.pause').onclick = () => act('replication/peers/' + encodeURIComponent(peer) + '/pause',
        '', 'pause ' + peer);
      el.querySelector('.resume').onclick = () => act('replication/peers/' + encodeURIComponent(peer) + '/resume',
        '', 'resume ' + peer);
      $('links').appendChild(el);
      p = { el: el, samples: [] };
      links.set(peer, p);
    }
    return p;
  }

  function update(p, link, at) {
    const el = p.el, q = (c) => el.querySelector(c);
    el.dataset.state = link.state;
    el.dataset.health = link.health;
    el.dataset.paused = String(link.paused);
    el.dataset.link = link.state === 'CONNECTED' ? 'up' : link.paused ? 'paused' : 'down';
    text(q('.peer'), link.peer);
    text(q('.state'), link.state);
    text(q('.health'), link.health);
    q('.health').dataset.health = link.health;
    q('.reasons').replaceChildren(...link.reasons.map((r) => {
      const li = document.createElement('li');
      li.textContent = r;
      return li;
    }));
    const known = link.lagEntries >= 0;
    text(q('.lag-millis'), duration(link.lagMillis));
    text(q('.lag-entries'), known ? count(link.lagEntries) + ' entries' : 'unknown entries');
    text(q('.entries-per-second'), count(link.entriesPerSecond) + ' entries/s');
    text(q('.bytes-per-second'), bytes(link.bytesPerSecond) + '/s');
    const stopped = q('.stopped-shards');
    stopped.dataset.count = String(link.stoppedShards.length);
    text(stopped, link.stoppedShards.length === 0 ? 'none' : link.stoppedShards.map((s) =>
      'shard ' + s.shard + ' (expected seq ' + s.expectedSeq + ', received ' + s.receivedSeq + ')').join(', '));
    text(q('.last-error'), link.lastError);

    p.samples.push({ t: at, millis: link.lagMillis, entries: known ? link.lagEntries : null });
    while (p.samples.length && p.samples[0].t < at - WINDOW_MS) p.samples.shift();
    draw(q('svg.chart'), p.samples, at, link);
  }

  function draw(svg, samples, now, link) {
    const maxMillis = Math.max(1, ...samples.map((s) => s.millis));
    const maxEntries = Math.max(1, ...samples.map((s) => s.entries || 0));
    // the chart spans the history it has (at least 10 s), up to WINDOW_MS: a fresh page is not a line at the edge
    const span = Math.max(10000, now - samples[0].t);
    const x = (t) => ((t - (now - span)) / span * W).toFixed(1);
    const path = (value, max) => {
      let d = '', gap = true;
      for (const s of samples) {
        const v = value(s);
        if (v == null) { gap = true; continue; }
        d += (gap ? 'M' : 'L') + x(s.t) + ',' + (H - 4 - v / max * (H - 8)).toFixed(1);
        gap = false;
      }
      return d;
    };
    svg.querySelector('path.lag-millis').setAttribute('d', path((s) => s.millis, maxMillis));
    svg.querySelector('path.lag-entries').setAttribute('d', path((s) => s.entries, maxEntries));
    svg.dataset.points = String(samples.length);
    svg.dataset.lastLagMillis = String(link.lagMillis);
    svg.dataset.lastLagEntries = String(link.lagEntries);
    const fig = svg.parentElement;
    text(fig.querySelector('.max-millis'), duration(maxMillis === 1 ? 0 : maxMillis));
    text(fig.querySelector('.max-entries'), count(maxEntries === 1 ? 0 : maxEntries));
    text(fig.querySelector('.window'), 'last ' + duration(Math.round(span / 1000) * 1000));
  }

  function duration(ms) {
    if (ms < 1000) return ms + ' ms';
    if (ms < 120000) return (ms % 1000 ? (ms / 1000).toFixed(1) : ms / 1000) + ' s';
    return (ms / 60000).toFixed(1) + ' min';
  }

  function count(n) {
    return Math.round(n).toLocaleString('en');
  }

  function bytes(n) {
    if (n < 1024) return Math.round(n) + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function message(kind, line, status) {
    const el = $('message');
    el.dataset.kind = kind;
    el.dataset.status = status == null ? '' : String(status);
    el.textContent = line;
  }

  /** The token given once in this tab; null when the operator cancels the prompt. */
  function token() {
    let t = sessionStorage.getItem(TOKEN_KEY);
    if (t == null) {
      t = prompt('Admin token (cfs-repl.admin.token) for pause, resume and sync:');
      if (t == null) return null;
      t = t.trim();
      sessionStorage.setItem(TOKEN_KEY, t);
    }
    return t;
  }

  async function act(path, body, what) {
    const t = token();
    if (t == null) {
      message('refused', what + ': cancelled, no token given');
      return;
    }
    const headers = { 'Content-Type': 'application/json' };
    if (t !== '') headers.Authorization = 'Bearer ' + t;
    message('pending', what + '\u2026');
    let r, answer;
    try {
      r = await fetch(new URL(path, root), { method: 'POST', headers: headers, body: body });
      answer = await r.text();
    } catch (e) {
      message('error', what + ' failed: ' + e);
      return;
    }
    if (r.ok) {
      message('ok', what + ': done', r.status);
      return;
    }
    // a refused token is forgotten, so that the next click asks again
    if (r.status === 401 || r.status === 403) sessionStorage.removeItem(TOKEN_KEY);
    let reason = answer;
    try {
      const j = JSON.parse(answer);
      reason = j.error + ': ' + j.message;
    } catch (e) {
      // not JSON (a proxy's page): shown as it came
    }
    message('refused', what + ' refused (' + r.status + ') ' + reason, r.status);
  }

  $('sync').onclick = () => act('replication/sync', '{"force": false}', 'sync');
  $('forget-token').onclick = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    message('ok', 'token forgotten');
  };
  connect();
}());
