// dbmq dashboard. Every element is built with createElement and every piece of task data goes in as text
// (textContent, text nodes, attribute values set one by one): never parsed as markup, and no inline code.
'use strict';
(function () {
  const REFRESH_MS = 2000;
  const state = {
    session: null,        // api/session: csrfToken, actions, principal
    view: null, param: null,
    busy: false, generation: 0, lastOk: 0,
    failedFilter: {}, failedSelected: new Set(), failedMatching: 0,
    scheduledFilter: {}, scheduledSelected: new Set(),
    historyFilter: {},
  };
  const main = () => document.getElementById('main');

  // ---- DOM ----

  /** An element with attributes (text: its text; on*: listeners) and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  /** As el, for SVG: attributes set one by one (geometry only; the look comes from classes in dashboard.css). */
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'text') e.textContent = String(v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c);
    return e;
  }

  const dash = '—';
  const show = (v) => (v === null || v === undefined ? dash : String(v));
  const can = (action) => !!state.session && state.session.actions.includes(action);

  function fmtAge(ms) {
    if (ms === null || ms === undefined) return dash;
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.floor(s % 60) + ' s';
    const h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + (m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  /** A minute's local time, HH:MM. */
  function hhmm(iso) {
    const d = new Date(iso);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  /** A time cell: local date and time, how long ago (or ahead), the ISO instant as its title. */
  function timeCell(iso, testName) {
    if (!iso) return el('td', { text: dash });
    const d = new Date(iso);
    const local = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    const delta = Date.now() - d.getTime();
    const rel = delta >= 0 ? fmtAge(delta) + ' ago' : 'in ' + fmtAge(-delta);
    return el('td', { title: iso, 'data-test': testName }, local, el('span', { class: 'muted', text: ' (' + rel + ')' }));
  }

  function flash(message) {
    const f = document.getElementById('flash');
    f.textContent = message;
    f.hidden = false;
  }

  function showError(message) {
    const e = document.getElementById('error');
    e.textContent = message;
    e.hidden = false;
  }

  function clearError() {
    document.getElementById('error').hidden = true;
  }

  // ---- API ----

  async function getJson(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = new Error(body.error || ('HTTP ' + r.status));
      err.status = r.status;
      throw err;
    }
    return body;
  }

  async function postJson(path, payload) {
    const r = await fetch(path, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Dbmq-Csrf': state.session.csrfToken },
      body: JSON.stringify(payload),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  }

  /**
   * The lanes' part of the overview: the paused lanes (each with Resume), then, with the PAUSE action, a lane to pause.
   * The form is made once, at mount: a refresh replaces only the paused lanes, never what the operator types in.
   */
  function lanesBox() {
    const paused = el('span', { id: 'paused-lanes' });
    if (!can('PAUSE')) return el('div', { id: 'lanes', 'data-test': 'lanes' }, paused);
    const name = el('input', { type: 'text', placeholder: 'lane', 'data-test': 'lane-name', 'aria-label': 'lane to pause' });
    return el('div', { id: 'lanes', 'data-test': 'lanes' }, paused, el('span', { class: 'lane' }, name, el('button', {
      class: 'danger', 'data-test': 'lane-pause', text: 'Pause lane',
      onclick: () => name.value && act('Pause lane ' + name.value + ' for every foreman? Its running tasks finish;'
        + ' no new ones start until it is resumed.', 'api/lanes/pause', { lane: name.value },
      (r) => r.changed ? 'Lane ' + r.lane + ' paused.' : 'Lane ' + r.lane + ' was paused already.'),
    })));
  }

  /** The paused lanes, each with Resume (with the PAUSE action). */
  function renderLanes(paused) {
    const box = document.getElementById('paused-lanes');
    if (!box) return;
    box.replaceChildren(...paused.map((lane) => el('span', { class: 'lane', 'data-test': 'paused-lane', 'data-lane': lane },
      'Lane ' + lane + ' paused', can('PAUSE') ? ' ' : null,
      can('PAUSE') ? el('button', {
        'data-test': 'lane-resume', text: 'Resume',
        onclick: () => act('Resume lane ' + lane + ' for every foreman?', 'api/lanes/resume', { lane },
          (r) => r.changed ? 'Lane ' + lane + ' resumed.' : 'Lane ' + lane + ' was not paused.'),
      }) : null)));
  }

  /** Runs a mutation after the operator confirmed it; reports its result and refreshes. */
  async function act(question, path, payload, done) {
    if (question && !window.confirm(question)) return;
    try {
      const result = await postJson(path, payload);
      flash(done(result));
      clearError();
    } catch (e) {
      showError(e.message);
    }
    await refresh(true);
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    return q.toString();
  }

  // ---- tables ----

  function table(id, headings) {
    const head = el('tr');
    for (const h of headings) {
      if (h instanceof Node) head.append(el('th', {}, h));
      else head.append(el('th', { class: h.num ? 'num' : null, text: h.text || h }));
    }
    const body = el('tbody', { id: id, 'data-test': id });
    return { table: el('table', {}, el('thead', {}, head), body), body: body };
  }

  function emptyRow(body, columns, text) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: columns, class: 'empty', text: text })));
  }

  function taskLink(id) {
    return el('a', { href: '#/task/' + id, 'data-test': 'task-link', text: String(id) });
  }

  /** A checkbox column's header (select all) and the per-row checkbox, kept in {@code selected}. */
  function selectAll(selected, bodyId) {
    return el('input', {
      type: 'checkbox', title: 'select all shown', 'data-test': bodyId + '-select-all',
      onchange: (ev) => {
        for (const box of document.querySelectorAll('#' + bodyId + ' input[type=checkbox]')) {
          box.checked = ev.target.checked;
          const id = Number(box.getAttribute('data-id'));
          if (box.checked) selected.add(id); else selected.delete(id);
        }
      },
    });
  }

  function rowCheckbox(selected, id, testName) {
    return el('input', {
      type: 'checkbox', 'data-id': id, 'data-test': testName, checked: selected.has(id),
      onchange: (ev) => { if (ev.target.checked) selected.add(id); else selected.delete(id); },
    });
  }

  /** Forgets selected ids that are no longer shown. */
  function prune(selected, ids) {
    const shown = new Set(ids);
    for (const id of [...selected]) if (!shown.has(id)) selected.delete(id);
  }

  // ---- views ----

  const VIEWS = {};

  /**
   * The throughput chart: one slot per minute of the window (the current minute last), and in the slot of each minute
   * that had any, a bar of its done count with its failed count stacked on top; each bar's title says the numbers.
   */
  function throughputChart(tp) {
    const W = 10, H = 100, TOP = 14, BOTTOM = 16;
    const width = tp.minutes * W;
    const max = Math.max(1, ...tp.perMinute.map((p) => p.done + p.failed));
    const from = new Date(tp.from).getTime();
    const chart = svg('svg', {
      id: 'throughput-chart', 'data-test': 'throughput-chart', class: 'chart', role: 'img',
      viewBox: '0 0 ' + width + ' ' + (TOP + H + BOTTOM),
      'aria-label': 'Attempts done and failed per minute, last ' + tp.minutes + ' minutes',
    });
    chart.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: TOP + H, y2: TOP + H }),
      svg('text', { class: 'tick', x: 0, y: TOP + H + BOTTOM - 3, text: hhmm(tp.from) }),
      svg('text', { class: 'tick end', x: width, y: TOP + H + BOTTOM - 3, text: 'now' }),
      svg('text', { class: 'tick', x: 0, y: 10, text: 'max ' + max + '/min' }));
    for (const p of tp.perMinute) {
      const slot = Math.round((new Date(p.minute).getTime() - from) / 60000);
      if (slot < 0 || slot >= tp.minutes) continue;
      const doneH = (p.done / max) * H, failedH = (p.failed / max) * H;
      const x = slot * W + 1;
      chart.append(svg('g', { 'data-test': 'chart-minute', 'data-minute': p.minute, 'data-done': p.done, 'data-failed': p.failed },
        svg('title', { text: hhmm(p.minute) + ': ' + p.done + ' done, ' + p.failed + ' failed' }),
        svg('rect', { class: 'done', x: x, width: W - 2, y: TOP + H - doneH, height: doneH }),
        svg('rect', { class: 'failed', x: x, width: W - 2, y: TOP + H - doneH - failedH, height: failedH })));
    }
    return chart;
  }

  VIEWS.overview = {
    mount(root) {
      const t = table('overview-rows', ['Task', { text: 'Pending', num: 1 }, { text: 'Due', num: 1 },
        { text: 'Scheduled', num: 1 }, { text: 'Retrying', num: 1 }, { text: 'Running', num: 1 },
        { text: 'Failed kept', num: 1 }, { text: 'Done last minute', num: 1 }, { text: 'Done (total)', num: 1 },
        { text: 'Failed (total)', num: 1 }]);
      root.append(el('h1', { text: 'Overview' }), el('div', { class: 'cards', id: 'overview-cards' }),
        lanesBox(),
        el('h2', { text: 'Throughput, last hour' }),
        el('div', { class: 'chart-box', id: 'throughput', 'data-test': 'throughput' }),
        el('p', { class: 'legend muted' }, el('span', { class: 'swatch done' }), ' done ',
          el('span', { class: 'swatch failed' }), ' failed (kept as failed), per minute, all tasks; ',
          el('span', { id: 'throughput-total', 'data-test': 'throughput-total' })),
        el('h2', { text: 'By task' }), t.table);
    },
    async refresh() {
      const o = await getJson('api/overview');
      // counts of a name's tasks stop at o.countLimit (so the page costs the same however much is queued)
      const lim = (v) => (v >= o.countLimit ? v + '+' : show(v));
      const total = (v) => (o.totalsAtLimit ? v + '+' : show(v));
      const stalled = o.due > 0 && (o.foremen === 0 || o.oldestDueAgeMillis > 60000);
      const card = (label, value, test, alert) => el('div', { class: alert ? 'card alert' : 'card', 'data-test': 'card-' + test },
        el('div', { class: 'label', text: label }), el('div', { class: 'value', id: 'overview-' + test, text: value }));
      document.getElementById('overview-cards').replaceChildren(
        card('Pending', total(o.pending), 'pending'), card('Due now', total(o.due), 'due'),
        card('Scheduled', total(o.scheduled), 'scheduled'), card('Retrying', total(o.retrying), 'retrying'),
        card('Running', o.running, 'running'), card('Failed kept', total(o.failedKept), 'failed-kept', o.failedKept > 0),
        card('Oldest due', o.due > 0 ? fmtAge(o.oldestDueAgeMillis) : dash, 'oldest-due', stalled),
        card('Foremen', o.foremen, 'foremen', o.foremen === 0 && o.pending > 0),
        card('Next scheduled', o.nextDueAt ? new Date(o.nextDueAt).toLocaleTimeString() : dash, 'next-due'));
      renderLanes(o.pausedLanes);
      document.getElementById('throughput').replaceChildren(throughputChart(o.throughput));
      const done = o.throughput.perMinute.reduce((n, p) => n + p.done, 0);
      const failed = o.throughput.perMinute.reduce((n, p) => n + p.failed, 0);
      document.getElementById('throughput-total').textContent = 'in all ' + done + ' done, ' + failed + ' failed.';
      const body = document.getElementById('overview-rows');
      if (o.tasks.length === 0) return emptyRow(body, 10, 'No tasks yet.');
      body.replaceChildren(...o.tasks.map((t) => el('tr', { 'data-test': 'overview-row', 'data-name': t.name },
        el('td', { text: t.name }),
        el('td', { class: 'num', text: t.due >= o.countLimit || t.scheduled >= o.countLimit ? t.pending + '+' : show(t.pending) }),
        ...[t.due, t.scheduled, t.retrying].map((v) => el('td', { class: 'num', text: lim(v) })),
        el('td', { class: 'num', text: show(t.running) }),
        el('td', { class: 'num' }, t.failedKept > 0 ? el('a', {
          href: '#/failed', text: lim(t.failedKept),
          onclick: () => { state.failedFilter = { name: t.name }; state.failedSelected.clear(); },
        }) : show(t.failedKept)),
        el('td', { class: 'num', 'data-test': 'overview-done-per-minute', text: show(t.donePerMinute) }),
        el('td', { class: 'num' }, el('a', {
          href: '#/history', text: show(t.done), title: 'finished attempts of ' + t.name,
          onclick: () => { state.historyFilter = { name: t.name }; },
        })),
        el('td', { class: 'num', text: show(t.failed) }))));
    },
  };

  VIEWS.running = {
    mount(root) {
      const headings = ['ID', 'Task', { text: 'Attempt', num: 1 }, 'Progress', 'Note', 'Started', 'Foreman'];
      if (can('VIEW_ARGS')) headings.push('Args');
      if (can('CANCEL')) headings.push('');
      root.append(el('h1', { text: 'Running' }), table('running-rows', headings).table);
      this.columns = headings.length;
    },
    async refresh() {
      const rows = await getJson('api/running');
      const body = document.getElementById('running-rows');
      if (rows.length === 0) return emptyRow(body, this.columns, 'Nothing is running.');
      body.replaceChildren(...rows.map((t) => el('tr', { 'data-test': 'running-row', 'data-id': t.id },
        el('td', {}, taskLink(t.id)), el('td', { text: t.name }), el('td', { class: 'num', text: t.attempt }),
        el('td', { 'data-test': 'running-progress' }, t.progress === null ? dash
          : el('progress', { max: 1, value: t.progress }), t.progress === null ? null
          : ' ' + Math.round(t.progress * 100) + '%'),
        el('td', { text: show(t.note) }), timeCell(t.startedAt, 'running-started'),
        el('td', { class: 'mono', text: t.foremanId }),
        can('VIEW_ARGS') ? el('td', { class: 'args mono', text: t.args }) : null,
        can('CANCEL') ? el('td', {}, el('button', {
          class: 'danger', 'data-test': 'running-cancel', text: 'Cancel',
          onclick: () => act('Ask task ' + t.id + ' (' + t.name + ') to stop?', 'api/running/' + t.id + '/cancel', {},
            (r) => r.cancelled ? 'Asked task ' + t.id + ' to stop.' : 'Task ' + t.id + ' had already ended.'),
        })) : null)));
    },
  };

  function filterForm(prefix, fields, filter, apply) {
    const inputs = {};
    const form = el('form', {
      class: 'filters', id: prefix + '-filter', 'data-test': prefix + '-filter',
      onsubmit: (ev) => { ev.preventDefault(); apply(inputs); },
    });
    for (const f of fields) {
      inputs[f.name] = el('input', { id: prefix + '-' + f.name, 'data-test': prefix + '-' + f.name, type: f.type || 'text',
        placeholder: f.placeholder || '' });
      if (filter[f.name] && f.type !== 'datetime-local') inputs[f.name].value = filter[f.name];
      form.append(el('label', {}, f.label, inputs[f.name]));
    }
    form.append(el('button', { type: 'submit', class: 'primary', id: prefix + '-apply', 'data-test': prefix + '-apply', text: 'Apply' }));
    return form;
  }

  VIEWS.scheduled = {
    mount(root) {
      const headings = [];
      if (can('CANCEL')) headings.push(selectAll(state.scheduledSelected, 'scheduled-rows'));
      headings.push('ID', 'Task', { text: 'Attempt', num: 1 }, 'Due', 'Enqueued', 'Key');
      if (can('VIEW_ARGS')) headings.push('Args');
      this.columns = headings.length;
      root.append(el('h1', { text: 'Scheduled' }),
        el('p', { class: 'muted', text: 'Pending tasks in the order foremen take them: due now first, then by due time.' }),
        filterForm('scheduled', [{ name: 'name', label: 'Task name' }, { name: 'keyPrefix', label: 'Key prefix' }],
          state.scheduledFilter, (inputs) => {
            state.scheduledFilter = { name: inputs.name.value.trim(), keyPrefix: inputs.keyPrefix.value.trim() };
            state.scheduledSelected.clear();
            refresh(true);
          }));
      if (can('CANCEL')) {
        root.append(el('div', { class: 'actions' }, el('button', {
          class: 'danger', id: 'scheduled-cancel-selected', 'data-test': 'scheduled-cancel-selected', text: 'Cancel selected',
          onclick: () => {
            const ids = [...state.scheduledSelected];
            if (ids.length === 0) return showError('Select tasks first.');
            act('Cancel ' + ids.length + ' selected task(s)? They will never run.', 'api/pending/cancel', { ids: ids },
              (r) => { state.scheduledSelected.clear(); return 'Cancelled ' + r.count + ' task(s).'; });
          },
        })));
      }
      root.append(table('scheduled-rows', headings).table);
    },
    async refresh() {
      const data = await getJson('api/scheduled?' + query(state.scheduledFilter));
      const body = document.getElementById('scheduled-rows');
      prune(state.scheduledSelected, data.tasks.map((t) => t.id));
      if (data.tasks.length === 0) return emptyRow(body, this.columns, 'No pending task matches.');
      body.replaceChildren(...data.tasks.map((t) => el('tr', { 'data-test': 'scheduled-row', 'data-id': t.id },
        can('CANCEL') ? el('td', {}, rowCheckbox(state.scheduledSelected, t.id, 'scheduled-select')) : null,
        el('td', {}, taskLink(t.id)), el('td', { text: t.name }), el('td', { class: 'num', text: t.attempt }),
        timeCell(t.dueAt, 'scheduled-due'), timeCell(t.enqueuedAt), el('td', { class: 'mono', text: show(t.key) }),
        can('VIEW_ARGS') ? el('td', { class: 'args mono', text: t.args }) : null)));
    },
  };

  /** The failed filter as the API takes it: ISO instants, empty fields left out. */
  function failedFilterFrom(inputs) {
    const instant = (input, label) => {
      if (!input.value) return '';
      const d = new Date(input.value);
      if (isNaN(d.getTime())) throw new Error(label + ' is not a date and time');
      return d.toISOString();
    };
    return {
      name: inputs.name.value.trim(), reason: inputs.reason.value,
      from: instant(inputs.from, 'From'), to: instant(inputs.to, 'To'),
    };
  }

  function nonEmpty(filter) {
    const out = {};
    for (const [k, v] of Object.entries(filter)) if (v) out[k] = v;
    return out;
  }

  VIEWS.failed = {
    mount(root) {
      const selecting = can('REQUEUE') || can('DELETE');
      const headings = [];
      if (selecting) headings.push(selectAll(state.failedSelected, 'failed-rows'));
      headings.push('ID', 'Task', 'Failed', { text: 'Attempts', num: 1 }, 'Reason');
      if (can('VIEW_ARGS')) headings.push('Args');
      this.columns = headings.length;
      root.append(el('h1', { text: 'Failed' }),
        filterForm('failed', [{ name: 'name', label: 'Task name' }, { name: 'reason', label: 'Reason contains' },
          { name: 'from', label: 'Failed from', type: 'datetime-local' },
          { name: 'to', label: 'Failed before', type: 'datetime-local' }], state.failedFilter, (inputs) => {
          try {
            state.failedFilter = failedFilterFrom(inputs);
          } catch (e) {
            return showError(e.message);
          }
          state.failedSelected.clear();
          clearError();
          refresh(true);
        }),
        el('p', {}, el('span', { id: 'failed-matching', 'data-test': 'failed-matching', text: '…' }),
          ' kept failed task(s) match', el('span', { class: 'muted', id: 'failed-shown', text: '' })));
      if (selecting) {
        const actions = el('div', { class: 'actions' });
        const selected = (verb, path) => () => {
          const ids = [...state.failedSelected];
          if (ids.length === 0) return showError('Select tasks first.');
          act(verb + ' ' + ids.length + ' selected failed task(s)?', path, { ids: ids },
            (r) => { state.failedSelected.clear(); return verb + 'd ' + r.count + ' task(s).'; });
        };
        const matching = (verb, path) => () => act(verb + ' all ' + state.failedMatching
          + ' failed task(s) matching this filter?', path, { filter: nonEmpty(state.failedFilter) },
        (r) => { state.failedSelected.clear(); return verb + 'd ' + r.count + ' task(s).'; });
        if (can('REQUEUE')) {
          actions.append(el('button', { id: 'failed-requeue-selected', 'data-test': 'failed-requeue-selected',
            text: 'Requeue selected', onclick: selected('Requeue', 'api/failed/requeue') }));
        }
        if (can('DELETE')) {
          actions.append(el('button', { class: 'danger', id: 'failed-delete-selected', 'data-test': 'failed-delete-selected',
            text: 'Delete selected', onclick: selected('Delete', 'api/failed/delete') }));
        }
        if (can('REQUEUE')) {
          actions.append(el('button', { id: 'failed-requeue-all', 'data-test': 'failed-requeue-all',
            text: 'Requeue all matching', onclick: matching('Requeue', 'api/failed/requeue') }));
        }
        if (can('DELETE')) {
          actions.append(el('button', { class: 'danger', id: 'failed-delete-all', 'data-test': 'failed-delete-all',
            text: 'Delete all matching', onclick: matching('Delete', 'api/failed/delete') }));
        }
        root.append(actions);
      }
      root.append(table('failed-rows', headings).table);
    },
    async refresh() {
      const data = await getJson('api/failed?' + query(state.failedFilter));
      state.failedMatching = data.matching;
      document.getElementById('failed-matching').textContent = String(data.matching);
      document.getElementById('failed-shown').textContent = data.matching > data.tasks.length
        ? ' (the newest ' + data.tasks.length + ' shown)' : '';
      const body = document.getElementById('failed-rows');
      prune(state.failedSelected, data.tasks.map((t) => t.id));
      if (data.tasks.length === 0) return emptyRow(body, this.columns, 'No kept failed task matches.');
      const selecting = can('REQUEUE') || can('DELETE');
      body.replaceChildren(...data.tasks.map((t) => el('tr', { 'data-test': 'failed-row', 'data-id': t.id },
        selecting ? el('td', {}, rowCheckbox(state.failedSelected, t.id, 'failed-select')) : null,
        el('td', {}, taskLink(t.id)), el('td', { 'data-test': 'failed-name', text: t.name }),
        timeCell(t.failedAt, 'failed-at'), el('td', { class: 'num', text: t.attempts }),
        el('td', { class: 'reason mono', 'data-test': 'failed-reason', text: t.reason }),
        can('VIEW_ARGS') ? el('td', { class: 'args mono', 'data-test': 'failed-args', text: t.args }) : null)));
    },
  };

  /** An attempt's outcome as a badge. */
  function outcome(o, testName) {
    return el('span', { class: 'state outcome ' + o, 'data-test': testName, text: o.toLowerCase() });
  }

  VIEWS.history = {
    mount(root) {
      root.append(el('h1', { text: 'History' }),
        el('p', { class: 'muted', id: 'history-retention', 'data-test': 'history-retention', text: '' }),
        filterForm('history', [{ name: 'name', label: 'Task name' },
          { name: 'limit', label: 'Show at most', type: 'number', placeholder: '100' }], state.historyFilter, (inputs) => {
          state.historyFilter = { name: inputs.name.value.trim(), limit: inputs.limit.value.trim() };
          clearError();
          refresh(true);
        }),
        table('history-rows', ['ID', 'Task', { text: 'Attempt', num: 1 }, 'Outcome', 'Started', 'Finished',
          { text: 'Took', num: 1 }, 'Error']).table);
    },
    async refresh() {
      const data = await getJson('api/history?' + query(state.historyFilter));
      document.getElementById('history-retention').textContent = data.retentionMillis === 0
        ? 'This queue keeps no history (its history retention is zero): nothing is listed here.'
        : 'Finished attempts, newest first, the newest ' + data.limit + ' shown; each is kept for '
          + fmtAge(data.retentionMillis) + ' and written about a second after it ends.';
      const body = document.getElementById('history-rows');
      if (data.attempts.length === 0) return emptyRow(body, 8, 'No finished attempt matches.');
      body.replaceChildren(...data.attempts.map((a) => el('tr', { 'data-test': 'history-row', 'data-id': a.id,
        'data-attempt': a.attempt, 'data-outcome': a.outcome },
        el('td', {}, taskLink(a.id)), el('td', { 'data-test': 'history-task', text: a.name }),
        el('td', { class: 'num', text: a.attempt }), el('td', {}, outcome(a.outcome, 'history-outcome')),
        timeCell(a.startedAt, 'history-started'), timeCell(a.finishedAt, 'history-finished'),
        el('td', { class: 'num', text: fmtAge(a.tookMillis) }),
        el('td', { class: 'reason mono', 'data-test': 'history-error', text: a.error === null ? '' : a.error }))));
    },
  };

  VIEWS.schedules = {
    mount(root) {
      const headings = ['Name', 'Task', 'Schedule', 'Next run',
        el('span', { title: 'When the pending instance was written: by the claim of the previous tick, or by a'
          + ' foreman that started when none was pending. Not when a tick ended.', text: 'Instance written' })];
      if (can('VIEW_ARGS')) headings.push('Args');
      this.columns = headings.length;
      root.append(el('h1', { text: 'Schedules' }),
        el('p', { class: 'muted', text: 'Recurring schedules with a pending instance (one whose tick a foreman is'
          + ' claiming at this moment is briefly missing). "Instance written" is when that instance was written,'
          + ' which is about when the previous tick started, not when it ended: see the History page for how ticks went.' }),
        table('schedules-rows', headings).table);
    },
    async refresh() {
      const rows = await getJson('api/schedules');
      const body = document.getElementById('schedules-rows');
      if (rows.length === 0) return emptyRow(body, this.columns, 'No recurring schedule is pending.');
      body.replaceChildren(...rows.map((s) => el('tr', { 'data-test': 'schedule-row', 'data-name': s.name },
        el('td', { 'data-test': 'schedule-name', text: s.name }),
        el('td', {}, el('a', { href: '#/history', text: s.task, onclick: () => { state.historyFilter = { name: s.task }; } })),
        el('td', { class: 'mono', 'data-test': 'schedule-spec', text: s.schedule }),
        timeCell(s.nextDueAt, 'schedule-next'), timeCell(s.writtenAt, 'schedule-written'),
        can('VIEW_ARGS') ? el('td', { class: 'args mono', 'data-test': 'schedule-args', text: s.args }) : null)));
    },
  };

  VIEWS.foremen = {
    mount(root) {
      root.append(el('h1', { text: 'Foremen' }),
        el('p', { class: 'muted', text: 'Live foremen on this queue, from every process (a manual foreman is not listed).' }),
        table('foremen-rows', ['ID', 'Host', { text: 'PID', num: 1 }, 'Started', { text: 'Busy', num: 1 },
          { text: 'Workers', num: 1 }, 'State', 'Handles']).table,
        el('h2', { text: 'Gone' }),
        el('p', { class: 'muted', text: 'Foremen that stopped, failed or died (their process killed, their host or'
          + ' connection lost), the most recently started first; each kept for a week after it ended.' }),
        table('gone-foremen-rows', ['ID', 'Host', { text: 'PID', num: 1 }, 'Started', { text: 'Workers', num: 1 },
          'How it ended', 'Ended', 'Handles']).table);
    },
    async refresh() {
      const data = await getJson('api/foremen');
      const live = document.getElementById('foremen-rows');
      if (data.live.length === 0) emptyRow(live, 8, 'No foreman is running: pending tasks wait.');
      else {
        live.replaceChildren(...data.live.map((f) => el('tr', { 'data-test': 'foreman-row', 'data-id': f.id },
          el('td', { class: 'mono', text: f.id }), el('td', { text: f.host }), el('td', { class: 'num', text: f.pid }),
          timeCell(f.startedAt), el('td', { class: 'num', text: f.busy }), el('td', { class: 'num', text: f.workers }),
          el('td', {}, el('span', { class: 'state ' + f.state, text: f.state.toLowerCase() })),
          el('td', { text: f.handles.join(', ') }))));
      }
      const gone = document.getElementById('gone-foremen-rows');
      if (data.gone.length === 0) return emptyRow(gone, 8, 'No foreman has ended in the last week.');
      gone.replaceChildren(...data.gone.map((f) => el('tr', { 'data-test': 'gone-foreman-row', 'data-id': f.id },
        el('td', { class: 'mono', text: f.id }), el('td', { text: f.host }), el('td', { class: 'num', text: f.pid }),
        timeCell(f.startedAt), el('td', { class: 'num', text: f.workers }),
        el('td', {}, el('span', { class: 'state ' + f.end, 'data-test': 'gone-foreman-end', text: f.end.toLowerCase() })),
        f.endedAt ? timeCell(f.endedAt, 'gone-foreman-ended')
          : el('td', { class: 'muted', text: 'unknown (nobody wrote it)' }),
        el('td', { text: f.handles.join(', ') }))));
    },
  };

  /** The finished attempts of one task, oldest first. */
  function attemptsTable(attempts) {
    const t = table('task-attempts', [{ text: 'Attempt', num: 1 }, 'Outcome', 'Started', 'Finished',
      { text: 'Took', num: 1 }, 'Foreman', 'Error']);
    if (attempts.length === 0) {
      emptyRow(t.body, 7, 'No finished attempt in the history (none ended yet, or the queue keeps no history).');
    } else {
      t.body.replaceChildren(...attempts.map((a) => el('tr', { 'data-test': 'task-attempt', 'data-attempt': a.attempt },
        el('td', { class: 'num', text: a.attempt }), el('td', {}, outcome(a.outcome, 'task-attempt-outcome')),
        timeCell(a.startedAt), timeCell(a.finishedAt), el('td', { class: 'num', text: fmtAge(a.tookMillis) }),
        el('td', { class: 'mono', text: show(a.foremanId) }),
        el('td', { class: 'reason mono', 'data-test': 'task-attempt-error', text: a.error === null ? '' : a.error }))));
    }
    return t.table;
  }

  VIEWS.task = {
    mount(root, id) {
      root.append(el('h1', { text: 'Task ' + id }), el('div', { id: 'task-detail', 'data-test': 'task-detail' }));
    },
    async refresh(id) {
      const box = document.getElementById('task-detail');
      let data;
      try {
        data = await getJson('api/task/' + encodeURIComponent(id));
      } catch (e) {
        if (e.status === 404 || e.status === 400) {
          return box.replaceChildren(el('p', { class: 'empty', 'data-test': 'task-gone', text: e.message }));
        }
        throw e;
      }
      const t = data.task;
      const list = el('dl', { class: 'task' });
      const labels = { name: 'Task', attempt: 'Attempt', attempts: 'Attempts', priority: 'Priority', dueAt: 'Due',
        enqueuedAt: 'Enqueued', createdAt: 'Enqueued', failedAt: 'Failed', startedAt: 'Started', finishedAt: 'Finished', outcome: 'Last outcome',
        foremanId: 'Foreman', progress: 'Progress', note: 'Note', key: 'Key', reason: 'Reason' };
      for (const [k, label] of Object.entries(labels)) {
        if (!(k in t)) continue;
        let value = t[k];
        if (k === 'progress' && value !== null) value = Math.round(value * 100) + '%';
        const dd = k === 'reason' ? el('dd', {}, el('pre', { 'data-test': 'task-reason', text: show(value) }))
          : el('dd', { 'data-test': 'task-' + k, title: k.endsWith('At') ? value : null, text: show(value) });
        list.append(el('dt', { text: label }), dd);
      }
      if ('args' in t) {
        list.append(el('dt', { text: 'Args' }), el('dd', {}, el('pre', { 'data-test': 'task-args', text: t.args })));
      }
      if (t.metadata && Object.keys(t.metadata).length > 0) {
        list.append(el('dt', { text: 'Metadata' }),
          el('dd', {}, el('pre', { 'data-test': 'task-metadata', text: JSON.stringify(t.metadata, null, 2) })));
      }
      const actions = el('div', { class: 'actions' });
      if (data.state === 'failed' && can('REQUEUE')) {
        actions.append(el('button', { 'data-test': 'task-requeue', text: 'Requeue', onclick: () => act('Requeue task ' + t.id + '?',
          'api/failed/requeue', { ids: [t.id] }, (r) => 'Requeued ' + r.count + ' task(s) (as new tasks).') }));
      }
      if (data.state === 'failed' && can('DELETE')) {
        actions.append(el('button', { class: 'danger', 'data-test': 'task-delete', text: 'Delete', onclick: () => act(
          'Delete failed task ' + t.id + '?', 'api/failed/delete', { ids: [t.id] }, (r) => 'Deleted ' + r.count + ' task(s).') }));
      }
      if (data.state === 'pending' && can('CANCEL')) {
        actions.append(el('button', { class: 'danger', 'data-test': 'task-cancel', text: 'Cancel', onclick: () => act(
          'Cancel task ' + t.id + '? It will never run.', 'api/pending/cancel', { ids: [t.id] }, (r) => 'Cancelled ' + r.count + ' task(s).') }));
      }
      if (data.state === 'running' && can('CANCEL')) {
        actions.append(el('button', { class: 'danger', 'data-test': 'task-cancel', text: 'Cancel', onclick: () => act(
          'Ask task ' + t.id + ' to stop?', 'api/running/' + t.id + '/cancel', {}, () => 'Asked task ' + t.id + ' to stop.') }));
      }
      box.replaceChildren(el('p', {}, el('span', { class: 'state ' + data.state, 'data-test': 'task-state', text: data.state })),
        list, actions, el('h2', { text: 'Attempts' }), attemptsTable(data.attempts));
    },
  };

  // ---- routing and refreshing ----

  function parseHash() {
    const parts = location.hash.replace(/^#\/?/, '').split('/');
    const view = Object.prototype.hasOwnProperty.call(VIEWS, parts[0]) ? parts[0] : 'overview';
    return { view: view, param: parts[1] || '' };
  }

  async function refresh(force) {
    if (state.busy && !force) return;
    state.busy = true;
    const view = state.view;
    try {
      await VIEWS[view].refresh(state.param);
      state.lastOk = Date.now();
      const c = document.getElementById('connection');
      c.textContent = 'live, updated ' + new Date().toLocaleTimeString();
      c.className = '';
    } catch (e) {
      const c = document.getElementById('connection');
      c.textContent = 'not updated: ' + e.message;
      c.className = 'stale';
    } finally {
      state.busy = false;
      state.generation += 1;
      main().setAttribute('data-generation', String(state.generation));
      document.body.setAttribute('data-loaded', 'true');
    }
  }

  function route() {
    const { view, param } = parseHash();
    state.view = view;
    state.param = param;
    for (const a of document.querySelectorAll('#nav a')) {
      a.className = a.getAttribute('data-view') === view ? 'active' : '';
    }
    document.getElementById('flash').hidden = true;
    clearError();
    main().setAttribute('data-view', view);
    main().replaceChildren();
    VIEWS[view].mount(main(), param);
    refresh(true);
  }

  async function start() {
    try {
      state.session = await getJson('api/session');
    } catch (e) {
      document.getElementById('connection').textContent = 'no session: ' + e.message;
      showError('The dashboard could not start: ' + e.message);
      document.body.setAttribute('data-loaded', 'error');
      return;
    }
    document.body.setAttribute('data-actions', state.session.actions.join(' '));
    window.addEventListener('hashchange', route);
    if (!location.hash) history.replaceState(null, '', '#/overview');
    route();
    setInterval(() => refresh(false), REFRESH_MS);
  }

  start();
})();
