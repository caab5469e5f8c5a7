/* The office display's script: polls /api/status every two seconds (a 304 when nothing
   changed), redraws the tiles and lists when the answer changed, reloads events, 24-hour
   ranges (/api/history) and charts (/api/chart.svg) when the database did, and ticks the
   clock and every age each second. Text from the base is only ever set as text. */
'use strict';
(function () {
  const POLL_MS = 2000;
  const STALE_MS = 12000;
  const STATE_WORDS = {
    ok: 'OK', cleared: 'Cleared', fault: 'Probe fault', acked: 'Taken', alarm: 'ALARM',
    silent: 'SILENT', unknown: 'No report yet'
  };
  let rev = null;          // the ETag of the last status drawn
  let dataRev = null;      // its database part: events, ranges and charts follow it
  let status = null;
  let clockOffset = 0;     // our clock minus the server's
  let lastContact = 0;
  let noDatabase = null;
  let chartMinute = null;  // charts are redrawn each minute, their period moving with the clock
  const ranges = {};       // "UNIT/CH" -> {min, max} over 24 h
  const chartImgs = {};    // "UNIT/CH" -> <img>

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function serverNow() { return Date.now() - clockOffset; }

  function temp(c10) {
    if (c10 === null || c10 === undefined) return '\u2014';
    const neg = c10 < 0, m = Math.abs(c10);
    return (neg ? '-' : '') + Math.floor(m / 10) + '.' + (m % 10);
  }

  function age(ms) {
    let s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 86400) {
      const m = Math.floor(s % 3600 / 60);
      return Math.floor(s / 3600) + ' h ' + (m < 10 ? '0' : '') + m + ' min';
    }
    return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h';
  }

  function hhmm(ms) {
    const d = new Date(ms), now = new Date(serverNow());
    const t = d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', hour12: false});
    if (d.toDateString() === now.toDateString()) return t;
    return d.toLocaleDateString([], {day: 'numeric', month: 'short'}) + ' ' + t;
  }

  function names(list) {
    return list.map(function (c) { return c ? (c.name || c.number) : '?'; }).join(', ');
  }

  /* "#12 WH1 T1 HIGH 9.4 °C (limit 8.0)"; inside the unit's own tile without the unit. */
  function incidentTitle(inc, inTile) {
    const kind = inc.kind === 'high' ? (inc.critical ? 'HIGH-HIGH' : 'HIGH')
      : inc.kind === 'low' ? (inc.critical ? 'LOW-LOW' : 'LOW') : inc.kind.toUpperCase();
    let t = '#' + inc.id + (inTile ? '' : ' ' + inc.unit) + (inc.channel ? ' ' + inc.channel : '') + ' ' + kind;
    if (inc.value_c10 !== null) t += ' ' + temp(inc.value_c10) + ' \u00b0C';
    if (inc.threshold_c10 !== null) t += ' (limit ' + temp(inc.threshold_c10) + ')';
    return t;
  }

  /* The state a unit is in now: the server's, or SILENT once its heartbeat has passed
     since the last answer. */
  function unitState(u) {
    if (u.state !== 'silent' && u.silent_at_ms && serverNow() >= u.silent_at_ms) return 'silent';
    return u.state;
  }

  function incidentOf(id) {
    if (!status || !id) return null;
    return status.incidents.find(function (i) { return i.id === id; }) || null;
  }

  function tileFoot(u, state) {
    const foot = el('div', 'tile-foot');
    const inc = incidentOf(u.incident);
    if (state === 'silent') {
      foot.appendChild(el('div', 'silent-word', 'SILENT'));
      foot.appendChild(el('div', 'silent-for', u.last_heard_ms
        ? 'not heard for ' + age(serverNow() - u.last_heard_ms) : 'never heard'));
      foot.lastChild.dataset.since = u.last_heard_ms || '';
    }
    if (inc) {
      const line = el('div');
      line.appendChild(el('b', null, incidentTitle(inc, true)));
      foot.appendChild(line);
      foot.appendChild(el('div', null, inc.told.length ? 'told ' + names(inc.told) : 'nobody told yet'));
      if (inc.acked_by) foot.appendChild(el('div', null, 'taken by ' + names([inc.acked_by]) + ' at ' + hhmm(inc.acked_ms)));
      else if (inc.display_state !== 'cleared') foot.appendChild(el('div', 'inc-nobody', 'nobody has taken it yet'));
    }
    if (state !== 'silent') {
      const heard = el('div', 'heard', u.last_heard_ms ? 'heard ' + age(serverNow() - u.last_heard_ms) + ' ago'
        : (u.configured ? 'waiting for its first report' : ''));
      heard.dataset.since = u.last_heard_ms || '';
      heard.dataset.prefix = 'heard ';
      foot.appendChild(heard);
    }
    return foot;
  }

  function channelRow(u, c) {
    const tr = el('tr', 'ch-' + c.state);
    tr.appendChild(el('td', 'ch-name', c.name));
    const t = el('td', 'ch-temp');
    const r = c.reading;
    if (!r) t.textContent = '\u2014';
    else if (r.fault) t.textContent = 'probe fault';
    else { t.textContent = temp(r.temp_c10); t.appendChild(el('small', null, ' \u00b0C')); }
    const range = ranges[u.id + '/' + c.name];
    if (range && range.min !== null) t.appendChild(el('span', 'ch-range', '24 h: ' + temp(range.min) + ' to ' + temp(range.max)));
    tr.appendChild(t);
    const a = el('td', 'ch-age', r ? age(serverNow() - r.t_ms) : '');
    if (r) { a.dataset.since = r.t_ms; a.dataset.prefix = ''; }
    tr.appendChild(a);
    return tr;
  }

  function tile(u) {
    const state = unitState(u);
    const t = el('article', 'tile ' + state);
    t.dataset.unit = u.id;
    t.dataset.state = state;
    const head = el('div', 'tile-head');
    head.appendChild(el('span', 'unit-id', u.id));
    head.appendChild(el('span', 'state', STATE_WORDS[state] || state));
    t.appendChild(head);
    if (u.channels.length) {
      const table = el('table', 'channels');
      u.channels.forEach(function (c) { table.appendChild(channelRow(u, c)); });
      t.appendChild(table);
    }
    t.appendChild(tileFoot(u, state));
    return t;
  }

  function drawUnits() {
    const box = document.getElementById('units');
    box.replaceChildren();
    if (!status.units.length) box.appendChild(el('p', 'none', 'No units configured or heard yet.'));
    status.units.forEach(function (u) { box.appendChild(tile(u)); });
  }

  function drawSummary() {
    document.getElementById('site-name').textContent = status.site || 'm2mon';
    document.title = (status.site || 'm2mon') + ' \u2014 m2mon';
    const counts = {};
    status.units.forEach(function (u) { const s = unitState(u); counts[s] = (counts[s] || 0) + 1; });
    const sum = document.getElementById('summary');
    sum.replaceChildren();
    ['silent', 'alarm', 'acked', 'fault', 'cleared', 'ok', 'unknown'].forEach(function (s) {
      if (counts[s]) sum.appendChild(el('span', 'pill ' + s, counts[s] + ' ' + (STATE_WORDS[s] || s)));
    });
  }

  function drawIncidents() {
    const list = document.getElementById('incident-list');
    list.replaceChildren();
    document.getElementById('incident-count').textContent = status.incidents.length ? '(' + status.incidents.length + ')' : '';
    if (!status.incidents.length) list.appendChild(el('p', 'none', 'None. Every unit is within its limits.'));
    status.incidents.slice().reverse().forEach(function (inc) {
      const d = el('div', 'incident ' + inc.display_state);
      d.dataset.incident = inc.id;
      d.appendChild(el('div', 'inc-title', incidentTitle(inc)));
      d.appendChild(el('div', 'inc-line', 'since ' + hhmm(inc.since_ms || inc.opened_ms) + ' \u00b7 ' + inc.state));
      d.appendChild(el('div', 'inc-line', inc.told.length ? 'told ' + names(inc.told) : 'nobody told yet'));
      if (inc.acked_by) d.appendChild(el('div', 'inc-line', 'taken by ' + names([inc.acked_by]) + ' at ' + hhmm(inc.acked_ms)));
      else d.appendChild(el('div', 'inc-line inc-nobody', 'nobody has taken it yet'));
      list.appendChild(d);
    });
  }

  function drawCharts(v) {
    const grid = document.getElementById('chart-grid');
    const keep = {};
    status.units.forEach(function (u) {
      u.channels.forEach(function (c) {
        const key = u.id + '/' + c.name;
        keep[key] = true;
        let img = chartImgs[key];
        if (!img) {
          const box = el('div', 'chart');
          img = el('img');
          img.alt = 'Temperatures of ' + u.id + ' ' + c.name + ' over the last 24 hours';
          box.appendChild(img);
          grid.appendChild(box);
          chartImgs[key] = img;
        }
        /* Drawn at the size it is shown, so that its text is as large as it was meant. */
        const w = Math.max(320, Math.min(1600, Math.round((img.parentNode.clientWidth - 8) / 20) * 20));
        const src = '/api/chart.svg?unit=' + encodeURIComponent(u.id) + '&channel=' + encodeURIComponent(c.name) +
          '&since=24h&width=' + w + '&height=' + Math.round(w * 0.45) + '&v=' + v;
        if (img.getAttribute('src') !== src) img.setAttribute('src', src);
      });
    });
    Object.keys(chartImgs).forEach(function (key) {
      if (!keep[key]) { chartImgs[key].parentNode.remove(); delete chartImgs[key]; }
    });
  }

  function eventRow(e) {
    const tr = el('tr');
    tr.appendChild(el('td', 'ev-time', hhmm(e.t_ms)));
    const k = el('td');
    k.appendChild(el('span', 'pill k-' + e.kind, e.kind));
    tr.appendChild(k);
    tr.appendChild(el('td', 'ev-unit', (e.unit || '') + (e.channel ? ' ' + e.channel : '')));
    const who = e.actor_name || e.actor || '';
    const to = e.kind === 'notified' || e.kind === 'delivered' || e.kind === 'not_sent';
    tr.appendChild(el('td', 'ev-text', (who ? (to ? 'to ' : '') + who + ': ' : '') + e.text));
    return tr;
  }

  async function loadEvents() {
    const res = await fetch('/api/events?limit=25', {cache: 'no-cache'});
    if (!res.ok) return;
    const body = await res.json();
    const tbody = document.querySelector('#event-list tbody');
    tbody.replaceChildren();
    body.events.forEach(function (e) { tbody.appendChild(eventRow(e)); });
  }

  async function loadRanges() {
    await Promise.all(status.units.filter(function (u) { return u.channels.length; }).map(async function (u) {
      const res = await fetch('/api/history?points=0&since=24h&unit=' + encodeURIComponent(u.id), {cache: 'no-cache'});
      if (!res.ok) return;
      const body = await res.json();
      body.channels.forEach(function (c) { ranges[u.id + '/' + c.name] = {min: c.min_c10, max: c.max_c10}; });
    }));
    drawUnits();
  }

  // The strip of base stations: which one works the alarms, each one's modems and heartbeat.
  function drawBases() {
    const box = document.getElementById('bases');
    const list = status.bases || [];
    box.hidden = !list.length;
    box.replaceChildren();
    list.forEach(function (b) {
      const item = el('span', 'base' + (b.beating ? '' : ' gone') + (b.modems_up ? '' : ' nomodem'));
      item.appendChild(el('b', null, b.name));
      if (b.leader) item.appendChild(el('span', 'lead', 'leader'));
      item.appendChild(el('span', null, 'modems ' + b.modems_up + '/' + b.modems));
      item.appendChild(el('span', null, b.beating ? 'seen ' + age(b.seen_ago_ms) + ' ago'
                                                   : 'not seen for ' + age(b.seen_ago_ms)));
      box.appendChild(item);
    });
  }

  function redraw() {
    drawSummary();
    drawBases();
    drawUnits();
    drawIncidents();
  }

  function setBanner(text) {
    const b = document.getElementById('banner');
    b.hidden = !text;
    b.textContent = text || '';
    document.body.classList.toggle('stale', !!text && !noDatabase);
  }

  async function poll() {
    try {
      const res = await fetch('/api/status', {cache: 'no-cache'});
      lastContact = Date.now();
      if (res.status === 503) {
        noDatabase = (await res.json()).error;
        setBanner(noDatabase);
        return;
      }
      noDatabase = null;
      if (!res.ok) throw new Error('status ' + res.status);
      const etag = res.headers.get('ETag');
      if (etag && etag === rev) return;
      status = await res.json();
      clockOffset = Date.now() - status.now_ms;
      document.getElementById('updated').textContent = 'data of ' + new Date(status.now_ms).toLocaleTimeString([], {hour12: false});
      rev = etag;
      redraw();
      const parts = (etag || '').replace(/^W\//, '').replace(/"/g, '').split('.');
      const d = parts.slice(0, 2).join('.');
      const minute = Math.floor(status.now_ms / 60000);
      if (d !== dataRev || minute !== chartMinute) {
        dataRev = d;
        chartMinute = minute;
        drawCharts(d + '.' + minute);
        await Promise.all([loadEvents(), loadRanges()]);
      }
    } catch (err) {
      /* The banner below says it once the silence lasts. */
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  function tick() {
    const now = new Date();
    document.getElementById('clock-time').textContent = now.toLocaleTimeString([], {hour12: false});
    document.getElementById('clock-date').textContent = now.toLocaleDateString([], {weekday: 'long', day: 'numeric', month: 'long'});
    if (lastContact && Date.now() - lastContact > STALE_MS) {
      setBanner('NOT UPDATING: no answer from the display server since ' +
        new Date(lastContact).toLocaleTimeString([], {hour12: false}) + '. Is m2mon web running?');
    } else if (!noDatabase) {
      setBanner(null);
    }
    if (!status) return;
    document.querySelectorAll('[data-since]').forEach(function (e) {
      if (!e.dataset.since) return;
      const a = age(serverNow() - Number(e.dataset.since));
      e.textContent = e.classList.contains('silent-for') ? 'not heard for ' + a
        : e.classList.contains('heard') ? 'heard ' + a + ' ago' : a;
    });
    const flipped = status.units.some(function (u) {
      const t = document.querySelector('.tile[data-unit="' + CSS.escape(u.id) + '"]');
      return t && t.dataset.state !== unitState(u);
    });
    if (flipped) redraw();
  }

  window.addEventListener('resize', function () { if (status && dataRev) drawCharts(dataRev + '.' + chartMinute); });
  setInterval(tick, 1000);
  tick();
  poll();
})();
