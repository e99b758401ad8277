// The Admin → Tasks page. Everything goes through /admin/api (which calls the node over the broker); the
// parameter field is checked by the server with the node's own parser, never re-implemented here.
import { el, badge, jsonTree, proposalView, backupTable } from './views.js';
import { openRestore } from './restore.js';
import { timeEl, exact, duration, refreshTimes, toggleZone } from './time.js';
import { appendLog, resetLog, nameLog } from './logpane.js';
import { refreshRuns, initRuns } from './runs.js';
import { initFleet } from './fleet.js';

const $ = id => document.getElementById(id);
const state = { me: null, specs: [], selected: null, stream: null, summary: {}, validateSeq: 0, usable: true };
const RUN_PATH = /^\/admin\/runs\/([0-9a-f-]{36})$/;

// ---- talking to the server

export async function api(path, body) {
  const opts = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.method = 'POST';
    opts.headers['Content-Type'] = 'application/json';
    if (state.me?.csrf_header) opts.headers[state.me.csrf_header] = state.me.csrf_token;
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/admin/api' + path, opts);
  } catch {
    // the server is unreachable (restarting, network): say so, and keep the forms from looking usable
    usable(false, `The node at ${location.host} does not answer; it may be restarting. The page keeps trying every 5 s.`);
    throw new Error('the node does not answer');
  }
  if (res.status === 401) {
    usable(false, 'You are signed out (your session ended). ', el('a', { href: location.pathname, id: 'sign-in-again', text: 'Sign in again' }));
    throw new Error('signed out');
  }
  if (!state.usable && !document.body.classList.contains('signed-out')) usable(true);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
    err.code = data?.error?.code;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

export function banner(...content) {
  const b = $('banner');
  b.replaceChildren(...content);
  b.hidden = !content.length || (content.length === 1 && !content[0]);
}

/** Offline or signed out: everything that would send something is disabled, and the banner says why. */
function usable(ok, ...why) {
  state.usable = ok;
  document.body.classList.toggle('signed-out', !ok && why.some(w => w instanceof Node && w.id === 'sign-in-again'));
  $('task-fields').disabled = !ok;
  for (const b of document.querySelectorAll('.shortcuts button, #stop, #fleet-refresh')) b.disabled = !ok || b.dataset.unavailable === 'true';
  banner(...(ok ? [] : why));
}

export function hasRole(role) {
  return !!state.me?.roles?.includes(role);
}

export function selectedRun() {
  return state.selected;
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
  return new Promise((resolve, reject) => follow(task_id, {
    ...handlers, result: r => resolve(r), failure: m => reject(new Error(m)),
  }));
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

/** Server-side check with contracts' TaskCatalog; the latest answer wins. A refusal is an answer (200), not an error. */
async function validate() {
  const seq = ++state.validateSeq;
  const task = $('task-select').value;
  const fb = $('param-feedback');
  if (!task) return false;
  let v;
  try {
    v = await api('/validate', { task, param: $('param').value, params: formParams() });
  } catch (e) {
    v = { ok: false, error: { message: e.message } };
  }
  if (seq !== state.validateSeq) return v.ok && v.allowed;
  const ok = v.ok && v.allowed;
  $('param').setAttribute('aria-invalid', String(!v.ok));
  fb.className = 'feedback ' + (ok ? 'ok' : 'bad');
  fb.textContent = !v.ok ? '✗ ' + v.error.message : v.allowed ? '✓ ' + describe(v.params)
    : `✗ needs the ${v.role_required} role (you have ${state.me.roles.join(', ')})`;
  $('start').disabled = !ok;
  return ok;
}

function describe(params) {
  const parts = Object.entries(params).map(([k, v]) => `${k} = ${v === '' ? '""' : v}`);
  return parts.length ? parts.join(', ') : 'no parameters';
}

async function startRun(task, param, params, feedback) {
  try {
    const { task_id } = await api('/runs', { task, param, params });
    selectRun(task_id);
    refreshRuns();
    return true;
  } catch (e) {
    feedback.className = 'feedback bad';
    feedback.textContent = '✗ ' + e.message;
    return false;
  }
}

async function startFromForm() {
  if (!(await validate())) return;
  const t = $('task-select').value;
  if (t === 'apply_migrations' && !confirm(`Apply migrations (${$('param').value || 'every schema'}) now?`)) return;
  startRun(t, $('param').value, formParams(), $('param-feedback'));
}

// ---- shortcuts: their own scope, shown on the buttons; the ones that change data ask first

function shortcutScope() {
  const kind = $('shortcut-scope').value;
  return kind === 'project' ? $('shortcut-project').value.trim() : kind;
}

export function scopeText(scope) {
  return scope === '' ? 'everything' : scope === 'shared' ? 'shared schema' : scope ? 'project ' + scope : 'choose a project';
}

function renderScopeTags() {
  $('shortcut-project').hidden = $('shortcut-scope').value !== 'project';
  for (const t of document.querySelectorAll('.scope-tag')) t.textContent = scopeText(shortcutScope());
}

async function shortcut(task) {
  const scope = shortcutScope();
  const asks = 'ask' in document.querySelector(`[data-task="${task}"]`).dataset;
  // read-only shortcuts run at once with the scope on their button, unless "one project" has no id yet
  if (!asks && !($('shortcut-scope').value === 'project' && !scope)) {
    return startRun(task, specOf(task)?.positional ? scope : '', {}, $('param-feedback'));
  }
  const dlg = $('scope-dialog');
  $('scope-task').textContent = task;
  $('scope-what').textContent = specOf(task)?.description || '';
  const kind = $('shortcut-scope').value;
  dlg.querySelector(`input[name=ask-scope][value="${kind}"]`).checked = true;
  $('scope-project').value = $('shortcut-project').value;
  $('scope-feedback').textContent = '';
  $('scope-start').onclick = async ev => {
    ev.preventDefault();
    const k = dlg.querySelector('input[name=ask-scope]:checked').value;
    const s = k === 'project' ? $('scope-project').value.trim() : k;
    const v = await api('/validate', { task, param: s }).catch(e => ({ ok: false, error: { message: e.message } }));
    if (!v.ok || !v.allowed || (k === 'project' && !s)) {
      $('scope-feedback').className = 'feedback bad';
      $('scope-feedback').textContent = '✗ ' + (k === 'project' && !s ? 'type a project id' : v.error?.message || `needs the ${v.role_required} role`);
      return;
    }
    if (await startRun(task, s, {}, $('scope-feedback'))) dlg.close();
  };
  dlg.showModal();
}

// ---- the detail pane

export function selectRun(taskId) {
  if (state.stream) state.stream.close();
  clearInterval(state.tick);
  state.selected = taskId;
  const path = '/admin/runs/' + taskId;
  if (location.pathname !== path) history.pushState(null, '', path);
  for (const tr of $('runs-table').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.taskId === taskId);
  state.summary = {};
  resetLog(taskId);
  $('detail-result').replaceChildren();
  $('detail-progress').hidden = true;
  $('detail-task').textContent = '…';
  $('detail-link').hidden = false;
  $('detail-link').href = path;
  $('detail-status').replaceWith(Object.assign(badge('…'), { id: 'detail-status' }));
  const stop = $('stop');
  stop.onclick = async () => {
    stop.disabled = true;
    try { await api(`/runs/${taskId}/cancel`, {}); } catch (e) { banner('Stop failed: ' + e.message); stop.disabled = false; }
  };
  state.stream = follow(taskId, {
    status: s => showStatus(s),
    log: e => appendLog(e),
    progress: p => {
      const bar = $('detail-progress');
      bar.hidden = !p.total;
      bar.max = p.total || 1;
      bar.value = p.done;
      appendLog(p);
    },
    result: r => { showStatus({ ...state.summary, ...r, cancel_requested: false }); showResult(r); refreshRuns(); },
    failure: m => banner(m),
  });
}

function showStatus(s) {
  state.summary = s;
  nameLog(`${s.task}-${s.task_id}`);
  $('detail-task').textContent = s.task;
  $('detail-status').replaceWith(Object.assign(badge(s.status), { id: 'detail-status' }));
  const running = s.status === 'running' || s.status === 'accepted';
  $('stop').hidden = !running || !hasRole('OPERATOR');
  $('stop').disabled = !!s.cancel_requested;
  const person = s.requested_by ? s.requested_by.replace(/ \(via [^)]*\)$/, '') : '';
  const meta = [el('span', { text: `id ${s.task_id}` })];
  if (person) meta.push(el('span', { title: s.requested_by, text: `by ${person}` }));
  if (s.created_at) meta.push(el('span', {}, 'asked ', timeEl(s.created_at, 'exact')));
  if (s.started_at) meta.push(el('span', {}, running ? 'running for ' : 'took ', el('span', { id: 'detail-duration', text: duration(s) })));
  if (s.params && Object.keys(s.params).length) meta.push(el('span', { text: 'params ' + JSON.stringify(s.params) }));
  $('detail-meta').replaceChildren(...meta.flatMap((m, i) => i ? [' · ', m] : [m]));
  clearInterval(state.tick);
  // a running task's duration moves on by itself, not only when the next status event comes
  if (running && s.started_at) state.tick = setInterval(() => { const d = $('detail-duration'); if (d) d.textContent = duration(state.summary); }, 1000);
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
  if (!confirm(`Apply the reviewed proposal to ${scopeText(params.scope)}` + (allow_destructive ? ' including destructive changes' : '') + '?')) return;
  try {
    const { task_id } = await api('/runs', { task: 'apply_migrations', params });
    selectRun(task_id);
    refreshRuns();
  } catch (e) {
    banner('Apply refused: ' + e.message);
  }
}

// ---- start-up

function runFromUrl() {
  const m = location.pathname.match(RUN_PATH) || location.hash.match(/run=([0-9a-f-]{36})/);
  return m ? m[1] : null;
}

async function init() {
  state.me = await api('/me');
  $('user-name').textContent = state.me.user;
  $('user-roles').textContent = '(' + state.me.roles.join(', ') + ')';
  $('node-name').textContent = state.me.node;
  $('logout-csrf').value = state.me.csrf_token;
  $('tz-toggle').onclick = toggleZone;
  refreshTimes();
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
  $('task-form').onsubmit = ev => { ev.preventDefault(); startFromForm(); };
  $('shortcut-scope').onchange = renderScopeTags;
  $('shortcut-project').oninput = renderScopeTags;
  for (const b of document.querySelectorAll('.shortcuts [data-task]')) {
    b.dataset.unavailable = String(!specOf(b.dataset.task));
    b.disabled = !specOf(b.dataset.task);
    b.onclick = () => shortcut(b.dataset.task);
  }
  renderScopeTags();
  const restore = $('btn-restore');
  restore.dataset.unavailable = String(!hasRole('ADMIN') || !specOf('restore_database'));
  restore.disabled = restore.dataset.unavailable === 'true';
  if (!hasRole('ADMIN')) restore.title = 'Restoring needs the ADMIN role';
  restore.onclick = () => openRestore();
  renderForm();
  initRuns(state.specs);
  await refreshRuns();
  const run = runFromUrl();
  if (run) selectRun(run);
  window.addEventListener('popstate', () => { const id = runFromUrl(); if (id && id !== state.selected) selectRun(id); });
  initFleet();
  // while offline or signed out, keep asking: the banner goes once the node answers again
  setInterval(() => !state.usable && !document.body.classList.contains('signed-out') && api('/me').catch(() => {}), 5000);
}

init().catch(e => banner('The page could not start: ' + e.message));
