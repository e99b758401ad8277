// The Admin → Tasks page. Everything goes through /admin/api (which calls the node over the broker); the
// parameter field is checked by the server with the node's own parser, never re-implemented here.
import { el, badge, pick, jsonTree, proposalView, backupTable, fleetOf, STATES, backupsOf, backupRow, fmtAge } from './views.js';
import { openRestore } from './restore.js';

const $ = id => document.getElementById(id);
const state = { me: null, specs: [], selected: null, stream: null, runs: [], validateSeq: 0 };

// ---- talking to the server

export async function api(path, body) {
  const opts = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.method = 'POST';
    opts.headers['Content-Type'] = 'application/json';
    if (state.me?.csrf_header) opts.headers[state.me.csrf_header] = state.me.csrf_token;
    opts.body = JSON.stringify(body);
  }
  const res = await fetch('/admin/api' + path, opts);
  if (res.status === 401) {
    banner('Your session ended. Reload the page to sign in again.');
    throw new Error('signed out');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
    err.code = data?.error?.code;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

function banner(msg) {
  const b = $('banner');
  b.textContent = msg;
  b.hidden = !msg;
}

export function hasRole(role) {
  return !!state.me?.roles?.includes(role);
}

/**
 * Follows a run: stored lines first, then live ones (SSE; the server replays from the last seq the browser saw
 * when it reconnects). Handlers: status(summary), log(line), progress(p), result(r), failure(msg).
 */
export function follow(taskId, h) {
  const es = new EventSource(`/admin/api/runs/${encodeURIComponent(taskId)}/events`);
  const on = (name, fn) => es.addEventListener(name, ev => fn && fn(JSON.parse(ev.data)));
  on('status', h.status);
  on('log', h.log);
  on('progress', h.progress);
  on('result', r => { es.close(); h.result && h.result(r); });
  on('failure', f => { es.close(); h.failure && h.failure(f.message); });
  return es;
}

/** Starts a task and resolves with its result (for the dialog and the fleet view, which need the data). */
export async function runAndWait(task, params, handlers = {}) {
  const { task_id } = await api('/runs', { task, params });
  refreshRuns();
  return new Promise((resolve, reject) => follow(task_id, {
    ...handlers, result: r => { refreshRuns(); resolve(r); }, failure: m => reject(new Error(m)),
  }));
}

export function logLine(e) {
  if (e.type === 'progress') {
    return el('li', { class: 'progress' }, el('span', { class: 'ts', text: time(e.ts) }),
      `progress ${e.done}${e.total ? '/' + e.total : ''} ${e.message || ''}`);
  }
  return el('li', { class: e.level, 'data-seq': e.seq }, el('span', { class: 'ts', text: time(e.ts) }),
    e.level !== 'INFO' ? e.level + ' ' : '', e.message);
}

function time(ts) {
  return ts ? new Date(ts).toLocaleTimeString([], { hour12: false }) : '';
}

function duration(r) {
  if (!r.started_at) return '';
  const ms = (r.finished_at ? new Date(r.finished_at) : new Date()) - new Date(r.started_at);
  return ms < 1000 ? ms + ' ms' : ms < 120000 ? (ms / 1000).toFixed(1) + ' s' : fmtAge(ms);
}

// ---- the task form

function specOf(name) {
  return state.specs.find(s => s.name === name);
}

function renderForm() {
  const spec = specOf($('task-select').value);
  $('task-description').textContent = spec?.description || '';
  $('param-hint').textContent = spec ? (spec.positional ? `${spec.positional}: ${spec.hint}` : spec.hint) : '';
  $('param').disabled = !spec?.positional;
  $('param').placeholder = spec?.positional ? spec.hint : 'this task takes no parameter';
  const extra = $('extra-params');
  extra.replaceChildren();
  for (const p of spec?.params || []) {
    if (p.name === spec.positional) continue;
    const id = 'opt-' + p.name;
    if (p.type === 'boolean') {
      extra.append(el('label', { for: id }, el('input', { type: 'checkbox', id, 'data-param': p.name, checked: p.default === true }),
        `${p.name} — ${p.description}`));
    } else {
      extra.append(el('label', { for: id, class: 'text-param', text: `${p.name} — ${p.description}` }),
        el('input', { id, 'data-param': p.name, placeholder: p.accepted, autocomplete: 'off' }));
    }
  }
  validate();
}

function formParams() {
  const params = {};
  const spec = specOf($('task-select').value);
  for (const input of $('extra-params').querySelectorAll('[data-param]')) {
    const def = spec.params.find(p => p.name === input.dataset.param);
    if (input.type === 'checkbox') {
      if (input.checked !== (def.default === true)) params[def.name] = input.checked;
    } else if (input.value.trim()) {
      params[def.name] = input.value.trim();
    }
  }
  return params;
}

/** Server-side check with contracts' TaskCatalog; the latest answer wins. */
async function validate() {
  const seq = ++state.validateSeq;
  const task = $('task-select').value;
  const fb = $('param-feedback');
  if (!task) return false;
  try {
    const v = await api('/validate', { task, param: $('param').value, params: formParams() });
    if (seq !== state.validateSeq) return v.ok && v.allowed;
    $('param').setAttribute('aria-invalid', 'false');
    fb.className = 'feedback ' + (v.allowed ? 'ok' : 'bad');
    fb.textContent = v.allowed ? '✓ ' + describe(v.params)
      : `✗ needs the ${v.role_required} role (you have ${state.me.roles.join(', ')})`;
    $('start').disabled = !v.allowed;
    return v.allowed;
  } catch (e) {
    if (seq !== state.validateSeq) return false;
    $('param').setAttribute('aria-invalid', 'true');
    fb.className = 'feedback bad';
    fb.textContent = '✗ ' + e.message;
    $('start').disabled = true;
    return false;
  }
}

function describe(params) {
  const parts = Object.entries(params).map(([k, v]) => `${k} = ${v === '' ? '""' : v}`);
  return parts.length ? parts.join(', ') : 'no parameters';
}

async function start(task) {
  if (task) {
    $('task-select').value = task;
    const keep = $('param').value;
    renderForm();
    // the typed parameter goes with the shortcut, unless that task takes none
    $('param').value = specOf(task)?.positional ? keep : '';
  }
  if (!(await validate())) return;
  const t = $('task-select').value;
  if (t === 'apply_migrations' && !confirm(`Apply migrations (${$('param').value || 'all schemas'}) now?`)) return;
  try {
    const { task_id } = await api('/runs', { task: t, param: $('param').value, params: formParams() });
    banner('');
    selectRun(task_id);
    refreshRuns();
  } catch (e) {
    $('param-feedback').className = 'feedback bad';
    $('param-feedback').textContent = '✗ ' + e.message;
  }
}

// ---- runs and the detail pane

export async function refreshRuns() {
  try {
    state.runs = await api('/runs?limit=30');
    banner('');
  } catch (e) {
    if (e.message !== 'signed out') banner('Cannot list tasks: ' + e.message);
    return;
  }
  const body = $('runs-table').tBodies[0];
  body.replaceChildren(...state.runs.map(r => el('tr', {
    class: 'clickable' + (r.task_id === state.selected ? ' selected' : ''), 'data-task-id': r.task_id, tabindex: 0,
    onclick: () => selectRun(r.task_id), onkeydown: ev => ev.key === 'Enter' && selectRun(r.task_id),
  }, el('td', {}, el('code', { text: r.task })), el('td', {}, badge(r.status)), el('td', { text: r.requested_by || '' }),
    el('td', { text: r.created_at ? new Date(r.created_at).toLocaleString() : '' }), el('td', { text: duration(r) }),
    el('td', { class: 'summary', title: r.summary || '', text: r.summary || '' }))));
  if (!state.runs.length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No tasks yet.' })));
}

export function selectRun(taskId) {
  if (state.stream) state.stream.close();
  state.selected = taskId;
  history.replaceState(null, '', '#run=' + taskId);
  for (const tr of $('runs-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.taskId === taskId);
  state.summary = {};
  $('log').replaceChildren();
  $('detail-result').replaceChildren();
  $('detail-progress').hidden = true;
  $('detail-task').textContent = '…';
  $('detail-status').replaceWith(Object.assign(badge('…'), { id: 'detail-status' }));
  const stop = $('stop');
  stop.onclick = async () => {
    stop.disabled = true;
    try { await api(`/runs/${taskId}/cancel`, {}); } catch (e) { banner('Stop failed: ' + e.message); stop.disabled = false; }
  };
  state.stream = follow(taskId, {
    status: s => showStatus(s),
    log: e => appendLog($('log'), e),
    progress: p => {
      const bar = $('detail-progress');
      bar.hidden = !p.total;
      bar.max = p.total || 1;
      bar.value = p.done;
      appendLog($('log'), p);
    },
    result: r => { showStatus({ ...state.summary, ...r, cancel_requested: false }); showResult(r); refreshRuns(); },
    failure: m => banner(m),
  });
}

function appendLog(list, e) {
  if (e.seq && list.querySelector(`[data-seq="${e.seq}"]`)) return;
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.append(logLine(e));
  if (stick) list.scrollTop = list.scrollHeight;
}

function showStatus(s) {
  state.summary = s;
  $('detail-task').textContent = s.task;
  const b = $('detail-status');
  b.replaceWith(Object.assign(badge(s.status), { id: 'detail-status' }));
  const running = s.status === 'running' || s.status === 'accepted';
  $('stop').hidden = !running || !hasRole('OPERATOR');
  $('stop').disabled = !!s.cancel_requested;
  const meta = [`id ${s.task_id}`];
  if (s.requested_by) meta.push(`by ${s.requested_by}`);
  if (s.created_at) meta.push(`asked ${new Date(s.created_at).toLocaleString()}`);
  if (s.started_at) meta.push(`took ${duration(s)}`);
  if (s.params && Object.keys(s.params).length) meta.push('params ' + JSON.stringify(s.params));
  $('detail-meta').textContent = meta.join(' · ');
}

function showResult(r) {
  const box = el('div', { class: 'result' }, el('p', { class: 'summary-line', text: r.summary || r.status }));
  if (r.error) box.append(el('div', { class: 'error-box', role: 'alert' }, el('strong', { text: r.error.code + ': ' }), r.error.message));
  const doc = r.result;
  if (doc !== undefined && doc !== null) {
    if (r.task === 'propose_migrations') {
      const scope = state.summary?.params?.scope ?? '';
      box.append(proposalView(doc, { canDestructive: hasRole('ADMIN'), onApply: o => applyProposal({ ...o, scope }) }));
    } else if (r.task === 'list_backups') {
      box.append(backupTable(doc));
    }
    box.append(el('details', { open: !['propose_migrations', 'list_backups'].includes(r.task) },
      el('summary', { text: 'Result document' }), jsonTree(doc)));
  }
  $('detail-result').replaceChildren(box);
}

/** Apply exactly the reviewed proposal: its fingerprint goes as `expect`, the node refuses if the fleet moved. */
async function applyProposal({ expect, allow_destructive, scope }) {
  const params = { scope: scope === 'all' ? '' : scope };
  if (expect) params.expect = expect;
  if (allow_destructive) params.allow_destructive = true;
  if (!confirm('Apply the reviewed proposal' + (allow_destructive ? ' including destructive changes' : '') + '?')) return;
  try {
    const { task_id } = await api('/runs', { task: 'apply_migrations', params });
    selectRun(task_id);
    refreshRuns();
  } catch (e) {
    banner('Apply refused: ' + e.message);
  }
}

// ---- fleet

async function refreshFleet() {
  const btn = $('fleet-refresh');
  btn.disabled = true;
  $('fleet-note').textContent = 'Checking…';
  try {
    const [status, backups] = await Promise.allSettled([runAndWait('schema_status', {}), runAndWait('list_backups', {})]);
    if (status.status === 'fulfilled' && status.value.result) {
      const { rows, counts } = fleetOf(status.value.result);
      $('fleet-counts').replaceChildren(...STATES.map(st => el('div', { class: 'count ' + st, id: 'count-' + st },
        el('b', { text: counts[st] }), st.replace(/_/g, ' '))));
      renderFleetDetail(rows);
    } else {
      $('fleet-counts').replaceChildren(el('p', { class: 'muted', text: 'schema_status: ' +
        (status.reason?.message || status.value?.error?.message || status.value?.summary || 'no result') }));
    }
    let age = 'no backup yet';
    if (backups.status === 'fulfilled') {
      const good = backupsOf(backups.value.result).map(backupRow).filter(b => b.status !== 'failed' && b.date);
      if (good.length) age = fmtAge(Date.now() - new Date(good[0].date)) + ` ago (${good[0].id})`;
    } else age = 'unknown: ' + backups.reason.message;
    $('fleet-note').textContent = `Last backup: ${age}. Checked ${new Date().toLocaleTimeString()}.`;
  } finally {
    btn.disabled = false;
  }
}

function renderFleetDetail(rows) {
  const filter = el('input', { type: 'search', id: 'fleet-filter', placeholder: 'project id or schema', 'aria-label': 'Find a project' });
  const which = el('select', { 'aria-label': 'State' }, el('option', { value: '', text: 'all states' }),
    STATES.map(s => el('option', { value: s, text: s.replace(/_/g, ' ') })));
  const body = el('tbody');
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter(r => (!which.value || r.state === which.value)
      && (!q || r.schema.toLowerCase().includes(q) || String(r.project).toLowerCase().includes(q)));
    body.replaceChildren(...shown.slice(0, 200).map(r => el('tr', {}, el('td', {}, el('code', { text: r.schema })),
      el('td', { text: r.project }), el('td', {}, badge(r.state)), el('td', { class: 'muted', text: r.detail }))));
    if (shown.length > 200) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted', text: `… ${shown.length - 200} more` })));
  };
  filter.oninput = draw;
  which.onchange = draw;
  draw();
  $('fleet-detail').replaceChildren(el('div', { class: 'actions' }, filter, which),
    el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, ['Schema', 'Project', 'State', 'Detail'].map(h => el('th', { text: h })))), body)));
}

// ---- start-up

async function init() {
  state.me = await api('/me');
  $('user-name').textContent = state.me.user;
  $('user-roles').textContent = '(' + state.me.roles.join(', ') + ')';
  $('node-name').textContent = state.me.node;
  $('logout-csrf').name = '_csrf';
  $('logout-csrf').value = state.me.csrf_token;
  try {
    state.specs = await api('/tasks');
  } catch (e) {
    banner('Cannot read the node\'s tasks: ' + e.message);
  }
  $('task-select').replaceChildren(...state.specs.map(s => el('option', { value: s.name, text: s.name })));
  let timer;
  $('task-select').onchange = () => { $('param').value = ''; renderForm(); };
  $('param').oninput = () => { clearTimeout(timer); timer = setTimeout(validate, 120); };
  $('extra-params').oninput = () => { clearTimeout(timer); timer = setTimeout(validate, 120); };
  $('task-form').onsubmit = ev => { ev.preventDefault(); start(); };
  for (const b of document.querySelectorAll('.shortcuts [data-task]')) {
    b.disabled = !specOf(b.dataset.task);
    b.onclick = () => start(b.dataset.task);
  }
  const restore = $('btn-restore');
  restore.disabled = !hasRole('ADMIN') || !specOf('restore_database');
  if (!hasRole('ADMIN')) restore.title = 'Restoring needs the ADMIN role';
  restore.onclick = () => openRestore();
  $('fleet-refresh').onclick = refreshFleet;
  renderForm();
  await refreshRuns();
  const m = location.hash.match(/run=([0-9a-f-]{36})/);
  if (m) selectRun(m[1]);
  setInterval(() => document.visibilityState === 'visible' && refreshRuns(), 4000);
}

init().catch(e => banner('The page could not start: ' + e.message));
