// The runs list: filters (task, status, who, search), paging, auto-refresh, and the announcement of runs that
// finish while you look elsewhere (page title, a notice, and a desktop notification when allowed).
import { el, badge } from './views.js';
import { timeEl, duration } from './time.js';
import { api, selectRun, selectedRun } from './admin.js';

const $ = id => document.getElementById(id);
const PAGE = 25;
const STATUSES = ['accepted', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted', 'expired', 'rejected'];
const list = { offset: 0, total: 0, users: [], running: new Map(), started: false };

function query() {
  const p = new URLSearchParams({ offset: list.offset, limit: PAGE });
  for (const [key, id] of [['task', 'runs-task'], ['status', 'runs-status'], ['user', 'runs-user'], ['q', 'runs-search']]) {
    if ($(id).value) p.set(key, $(id).value.trim());
  }
  if ($('runs-lookups').checked) p.set('lookups', 'true');
  return p;
}

export async function refreshRuns() {
  let page;
  try {
    page = await api('/runs?' + query());
  } catch {
    return; // api() has said why in the banner
  }
  list.total = page.total;
  render(page);
  watch();
}

function render(page) {
  const body = $('runs-table').tBodies[0];
  body.replaceChildren(...page.runs.map(r => el('tr', {
    class: 'clickable' + (r.task_id === selectedRun() ? ' selected' : ''), 'data-task-id': r.task_id, tabindex: 0,
    onclick: () => selectRun(r.task_id), onkeydown: ev => ev.key === 'Enter' && selectRun(r.task_id),
  }, el('td', {}, el('code', { text: r.task })), el('td', {}, badge(r.status)),
    el('td', { class: 'who-cell', title: r.requested_by || '', text: r.person || '' }),
    el('td', {}, r.created_at ? timeEl(r.created_at) : ''), el('td', { class: 'num', 'data-duration': '', text: duration(r) }),
    el('td', { class: 'summary', title: r.summary || '', text: r.summary || '' }))));
  if (!page.runs.length) {
    body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: page.total === 0 && page.scanned ? 'No run matches these filters.' : 'No tasks yet.' })));
  }
  const users = $('runs-user');
  const keep = users.value;
  if (page.users.join() !== list.users.join()) {
    list.users = page.users;
    users.replaceChildren(el('option', { value: '', text: 'everyone' }), ...page.users.map(u => el('option', { value: u, text: u })));
    users.value = keep;
  }
  const from = page.total ? page.offset + 1 : 0;
  $('runs-page').textContent = `${from}–${page.offset + page.runs.length} of ${page.total}` + (page.scanned >= 500 ? ' (among the newest 500)' : '');
  $('runs-prev').disabled = page.offset === 0;
  $('runs-next').disabled = page.offset + page.runs.length >= page.total;
}

/**
 * Runs that finish after the page opened are announced, unless it is the one on screen with the page in view.
 * The page's own look-ups (restore dialog, fleet card) are not announced.
 */
async function watch() {
  let recent;
  try {
    recent = (await api('/runs?limit=50')).runs;
  } catch {
    return;
  }
  for (const r of recent) {
    const finished = !(r.status === 'running' || r.status === 'accepted');
    const known = list.running.get(r.task_id);
    list.running.set(r.task_id, finished ? 'done' : 'running');
    // first look: what is already finished is history; later: anything new or seen running that is now done
    if (list.started && finished && known !== 'done' && (document.hidden || r.task_id !== selectedRun())) announce(r);
  }
  list.started = true;
}

const ICON = { succeeded: '✓', partial: '◐', failed: '✗', cancelled: '■', interrupted: '!' };

function announce(r) {
  const text = `${r.task} ${r.status}` + (r.person ? ` (${r.person})` : '');
  document.title = `${ICON[r.status] || '•'} ${text} · tasknode admin`;
  const toast = el('div', { class: 'toast ' + r.status, 'data-task-id': r.task_id },
    badge(r.status), ' ', el('code', { text: r.task }), ' finished' + (r.person ? ` · ${r.person}` : '') + ' ',
    el('button', { type: 'button', class: 'link', onclick: () => { selectRun(r.task_id); toast.remove(); } }, 'show'),
    el('button', { type: 'button', class: 'link dismiss', 'aria-label': 'Dismiss', onclick: () => toast.remove() }, '✕'));
  $('toasts').append(toast);
  while ($('toasts').children.length > 3) $('toasts').firstElementChild.remove(); // the newest three
  setTimeout(() => { toast.remove(); if (!$('toasts').children.length) document.title = 'Tasks · tasknode admin'; }, 30000);
  if ('Notification' in window && Notification.permission === 'granted') {
    new Notification('tasknode: ' + text, { body: r.summary || '', tag: r.task_id });
  }
}

export function initRuns(specs) {
  $('runs-task').append(...specs.map(s => el('option', { value: s.name, text: s.name })));
  $('runs-status').append(...STATUSES.map(s => el('option', { value: s, text: s })));
  let timer;
  const again = () => { list.offset = 0; clearTimeout(timer); timer = setTimeout(refreshRuns, 200); };
  for (const id of ['runs-task', 'runs-status', 'runs-user', 'runs-lookups']) $(id).onchange = again;
  $('runs-search').oninput = again;
  $('runs-prev').onclick = () => { list.offset = Math.max(0, list.offset - PAGE); refreshRuns(); };
  $('runs-next').onclick = () => { list.offset += PAGE; refreshRuns(); };
  setInterval(() => $('runs-auto').checked && document.visibilityState === 'visible' ? refreshRuns() : watch(), 5000);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) setTimeout(() => { document.title = 'Tasks · tasknode admin'; }, 4000);
  });
  const notify = $('notify');
  if ('Notification' in window && Notification.permission === 'default') {
    notify.hidden = false;
    notify.onclick = () => Notification.requestPermission().then(() => { notify.hidden = true; });
  }
}
