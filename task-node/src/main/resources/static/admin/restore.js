// The Restore dialog: choose a backup (list_backups), compare what it holds with what is live now (show_backup
// and the live catalog), choose what to restore, type the full target (all, shared, p_<id>) to confirm, then
// start restore_database and follow it to its end.
import { el, badge, backupTable, manifestView, projectsOf, pick } from './views.js';
import { api, follow, runAndWait, selectRun, hasRole } from './admin.js';
import { refreshRuns } from './runs.js';
import { logLine } from './logpane.js';

const $ = id => document.getElementById(id);
let chosen = null;

export async function openRestore() {
  const dlg = $('restore-dialog');
  chosen = null;
  $('restore-step2').hidden = true;
  $('restore-follow').hidden = true;
  $('restore-backups').replaceChildren(el('p', { class: 'muted', text: 'Loading backups…' }));
  if (!dlg.open) dlg.showModal();
  try {
    const r = await runAndWait('list_backups', {});
    if (r.status !== 'succeeded') throw new Error(r.error?.message || r.summary || r.status);
    $('restore-backups').replaceChildren(backupTable(r.result, chooseBackup));
  } catch (e) {
    $('restore-backups').replaceChildren(el('p', { class: 'feedback bad', text: 'Cannot list backups: ' + e.message }));
  }
}

async function chooseBackup(row) {
  chosen = row;
  for (const tr of $('restore-backups').querySelectorAll('tr[data-backup]')) tr.classList.toggle('selected', tr.dataset.backup === row.id);
  $('restore-step2').hidden = false;
  $('restore-manifest').replaceChildren(el('p', { class: 'muted', text: `Loading the manifest of ${row.id}…` }));
  $('restore-compare').replaceChildren();
  $('restore-project').replaceChildren(...row.schemaNames.filter(n => n && n !== 'shared')
    .map(n => n.replace(/^p_|^project_/, '')).map(id => el('option', { value: id, text: 'p_' + id })));
  updateExpected();
  try {
    const r = await runAndWait('show_backup', { backup_id: row.id });
    if (r.status !== 'succeeded') throw new Error(r.error?.message || r.summary || r.status);
    $('restore-manifest').replaceChildren(manifestView(r.result));
    compare(r.result);
    const projects = projectsOf(r.result);
    $('restore-project').replaceChildren(...projects.map(id => el('option', { value: id, text: 'p_' + id })));
    // no project in this backup: "one project" cannot be chosen
    const one = document.querySelector('#restore-scope input[value=project]');
    one.disabled = $('restore-project').disabled = !projects.length;
    if (one.disabled && one.checked) document.querySelector('#restore-scope input[value=all]').checked = true;
    updateExpected();
  } catch (e) {
    $('restore-manifest').replaceChildren(el('p', { class: 'feedback bad', text: 'Cannot read the manifest: ' + e.message }));
  }
}

/** What the person must type: the whole target, all, shared or p_<id> (never a lone digit). */
function scope() {
  const kind = document.querySelector('#restore-scope input[name=scope]:checked').value;
  return kind === 'project' ? ($('restore-project').value ? 'p_' + $('restore-project').value : '') : kind;
}

/** Per schema of the backup: what it holds (manifest) beside what is live now (catalog estimate). */
async function compare(doc) {
  const m = pick(doc, 'manifest') || doc;
  const list = (pick(m, 'schemas', 'entries') || []).filter(s => typeof s === 'object');
  if (!list.length) return;
  // each schema is read on the cluster the backup names for it (every cluster has its own shared)
  const clusterOf = s => pick(s, 'cluster') || '';
  const keyOf = s => clusterOf(s) ? `${clusterOf(s)}:${pick(s, 'schema', 'name')}` : pick(s, 'schema', 'name');
  const several = list.some(s => clusterOf(s) && clusterOf(s) !== 'default');
  let live = {};
  try {
    live = (await api('/live-schemas?schemas=' + encodeURIComponent(list.map(keyOf).join(',')))).schemas;
  } catch (e) {
    $('restore-compare').replaceChildren(el('p', { class: 'feedback bad', text: 'Cannot read what is live now: ' + e.message }));
    return;
  }
  const fmt = n => typeof n === 'number' ? n.toLocaleString('en-US') : n;
  const rows = list.map(s => {
    const name = pick(s, 'schema', 'name');
    const counts = pick(s, 'row_counts', 'tables');
    const tables = counts && typeof counts === 'object' ? Object.keys(counts).length : '';
    const rows = counts && typeof counts === 'object' ? Object.values(counts).reduce((a, x) => a + (typeof x === 'number' ? x : pick(x, 'rows') || 0), 0) : '';
    const now = live[keyOf(s)] || {};
    const change = now.exists === null ? now.error
      : !now.exists ? 'schema does not exist now: restored from the backup'
      : now.tables !== tables ? `${now.tables} tables now, ${tables} in the backup` : 'same tables';
    return el('tr', { 'data-schema': name, 'data-cluster': clusterOf(s) || 'default' }, el('td', {}, el('code', { text: name })),
      several ? el('td', { class: 'cluster', text: clusterOf(s) || 'default' }) : null,
      el('td', { class: 'num', text: tables }), el('td', { class: 'num', text: fmt(rows) }),
      el('td', { class: 'num', text: now.exists ? now.tables : '—' }),
      el('td', { class: 'num', title: 'PostgreSQL\'s estimate (pg_class.reltuples), not a count', text: !now.exists ? '—' : now.never_analyzed ? '≈' + fmt(now.rows_estimate) + ' (not analyzed)' : '≈' + fmt(now.rows_estimate) }),
      el('td', { class: 'muted', text: change }));
  });
  $('restore-compare').replaceChildren(el('div', { class: 'table-wrap' }, el('table', { id: 'restore-compare-table' },
    el('thead', {}, el('tr', {}, el('th', { rowspan: 2, text: 'Schema' }), several ? el('th', { rowspan: 2, text: 'Cluster' }) : null,
      el('th', { colspan: 2, class: 'num', text: 'In the backup' }),
      el('th', { colspan: 2, class: 'num', text: 'Live now' }), el('th', { rowspan: 2, text: '' })),
      el('tr', {}, ['tables', 'rows', 'tables', 'rows (estimate)'].map(h => el('th', { class: 'num', text: h })))),
    el('tbody', {}, rows))));
}

function updateExpected() {
  $('restore-expected').textContent = scope() || '(choose a project)';
  checkConfirm();
}

async function checkConfirm() {
  const s = scope();
  const typed = $('restore-confirm').value.trim();
  const fb = $('restore-feedback');
  const ok = !!chosen && !!s && typed === s;
  $('restore-start').disabled = !ok || !hasRole('ADMIN');
  if (!hasRole('ADMIN')) {
    fb.className = 'feedback bad';
    fb.textContent = 'Restoring needs the ADMIN role.';
  } else if (!typed) {
    fb.className = 'feedback';
    fb.textContent = '';
  } else if (!ok) {
    fb.className = 'feedback bad';
    fb.textContent = `Type exactly “${s}”.`;
  } else {
    // the server checks the spec with the node's parser too
    try {
      await api('/validate', { task: 'restore_database', param: `${chosen.id}:${s}` });
      fb.className = 'feedback ok';
      fb.textContent = `✓ will restore ${s === 'all' ? 'every schema in' : s === 'shared' ? 'the shared schema from' : s + ' from'} ${chosen.id}`;
    } catch (e) {
      fb.className = 'feedback bad';
      fb.textContent = '✗ ' + e.message;
      $('restore-start').disabled = true;
    }
  }
}

async function startRestore() {
  const spec = `${chosen.id}:${scope()}`;
  $('restore-start').disabled = true;
  $('restore-follow').hidden = false;
  $('restore-log').replaceChildren();
  $('restore-summary').textContent = '';
  $('restore-status').replaceWith(Object.assign(badge('starting'), { id: 'restore-status' }));
  let taskId;
  try {
    ({ task_id: taskId } = await api('/runs', { task: 'restore_database', param: spec }));
  } catch (e) {
    $('restore-summary').textContent = 'Refused: ' + e.message;
    $('restore-status').replaceWith(Object.assign(badge('rejected'), { id: 'restore-status' }));
    return;
  }
  refreshRuns();
  const setStatus = s => $('restore-status').replaceWith(Object.assign(badge(s), { id: 'restore-status' }));
  follow(taskId, {
    status: s => setStatus(s.status),
    log: e => { $('restore-log').append(logLine(e)); $('restore-log').scrollTop = $('restore-log').scrollHeight; },
    progress: p => $('restore-log').append(logLine(p)),
    result: r => {
      setStatus(r.status);
      $('restore-summary').replaceChildren(el('strong', { text: r.summary || r.status }),
        r.error ? el('span', { class: 'feedback bad', text: ' — ' + r.error.message }) : '',
        ' ', el('button', { type: 'button', class: 'link', onclick: () => { $('restore-dialog').close(); selectRun(taskId); } }, 'show in the task list'));
      $('restore-summary').scrollIntoView({ block: 'end' });
      refreshRuns();
    },
    failure: m => { $('restore-summary').textContent = m; },
  });
}

document.addEventListener('DOMContentLoaded', () => {
  for (const r of document.querySelectorAll('#restore-scope input[name=scope]')) r.addEventListener('change', updateExpected);
  $('restore-project').addEventListener('change', updateExpected);
  $('restore-confirm').addEventListener('input', checkConfirm);
  $('restore-start').addEventListener('click', startRestore);
});
