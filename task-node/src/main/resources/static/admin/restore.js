// The Restore dialog: choose a backup (list_backups), review its manifest (show_backup), choose what to restore,
// type the scope to confirm, then start restore_database and follow it to its end.
import { el, badge, backupTable, manifestView, projectsOf } from './views.js';
import { api, follow, runAndWait, logLine, refreshRuns, selectRun, hasRole } from './admin.js';

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
  $('restore-project').replaceChildren(...row.schemaNames.filter(n => n && n !== 'shared')
    .map(n => n.replace(/^p_|^project_/, '')).map(id => el('option', { value: id, text: id })));
  updateExpected();
  try {
    const r = await runAndWait('show_backup', { backup_id: row.id });
    if (r.status !== 'succeeded') throw new Error(r.error?.message || r.summary || r.status);
    $('restore-manifest').replaceChildren(manifestView(r.result));
    const projects = projectsOf(r.result);
    $('restore-project').replaceChildren(...projects.map(id => el('option', { value: id, text: id })));
    // no project in this backup: "one project" cannot be chosen
    const one = document.querySelector('#restore-scope input[value=project]');
    one.disabled = $('restore-project').disabled = !projects.length;
    if (one.disabled && one.checked) document.querySelector('#restore-scope input[value=all]').checked = true;
    updateExpected();
  } catch (e) {
    $('restore-manifest').replaceChildren(el('p', { class: 'feedback bad', text: 'Cannot read the manifest: ' + e.message }));
  }
}

/** What the person must type: the scope word, or the project id. */
function scope() {
  const kind = document.querySelector('#restore-scope input[name=scope]:checked').value;
  return kind === 'project' ? $('restore-project').value : kind;
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
      fb.textContent = `✓ will restore ${s === 'all' ? 'every schema in' : s === 'shared' ? 'the shared schema from' : 'project ' + s + ' from'} ${chosen.id}`;
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
