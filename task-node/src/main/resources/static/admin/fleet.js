// The Fleet card: schema states (schema_status) and the last backup (list_backups), checked when the page
// opens, every 5 minutes while it is in view, and on "Check now".
import { el, badge, fleetOf, STATES, backupsOf, backupRow } from './views.js';
import { timeEl } from './time.js';
import { runAndWait } from './admin.js';

const $ = id => document.getElementById(id);
const EVERY_MS = 5 * 60 * 1000;
let busy = false;

export async function refreshFleet() {
  if (busy) return;
  busy = true;
  const btn = $('fleet-refresh');
  btn.disabled = true;
  btn.textContent = 'Checking…';
  try {
    const [status, backups] = await Promise.allSettled([runAndWait('schema_status', {}), runAndWait('list_backups', {})]);
    if (status.status === 'fulfilled' && status.value.result) {
      const { rows, counts, clusters } = fleetOf(status.value.result);
      $('fleet-counts').replaceChildren(...STATES.map(st => el('div', { class: 'count ' + st, id: 'count-' + st },
        el('b', { text: counts[st] }), st.replace(/_/g, ' '))));
      // several clusters: each one's part (a cluster that is down says why; its schemas show as failed below)
      if (clusters.length > 1 || clusters.some(c => c.state !== 'ok')) {
        $('fleet-counts').append(el('p', { class: 'muted', id: 'fleet-clusters' }, 'Clusters: ', ...clusters.flatMap((c, i) => [
          i ? ' · ' : '', el('b', { text: c.cluster }), ` ${c.state === 'ok' ? c.schemas + ' schemas' : 'DOWN: ' + (c.error || '')}`])));
      }
      renderDetail(rows);
    } else {
      $('fleet-counts').replaceChildren(el('p', { class: 'feedback bad', text: 'schema_status: ' +
        (status.reason?.message || status.value?.error?.message || status.value?.summary || 'no result') }));
    }
    const note = [];
    if (backups.status === 'fulfilled') {
      const good = backupsOf(backups.value.result).map(backupRow).filter(b => b.status !== 'failed' && b.date);
      note.push(good.length ? el('span', {}, 'Last backup: ', timeEl(good[0].date),
        ` (${good[0].id}${good[0].clusters ? ', clusters ' + good[0].clusters : ''}). `) : 'Last backup: no backup yet. ');
    } else note.push(`Last backup: unknown (${backups.reason.message}). `);
    note.push('Checked ', timeEl(new Date().toISOString()), '; again every 5 min.');
    $('fleet-note').replaceChildren(...note);
  } finally {
    busy = false;
    btn.disabled = false;
    btn.textContent = 'Check now';
  }
}

function renderDetail(rows) {
  const filter = el('input', { type: 'search', id: 'fleet-filter', placeholder: 'project id, schema or cluster', 'aria-label': 'Find a project' });
  const which = el('select', { 'aria-label': 'State' }, el('option', { value: '', text: 'all states' }),
    STATES.map(s => el('option', { value: s, text: s.replace(/_/g, ' ') })));
  const body = el('tbody');
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter(r => (!which.value || r.state === which.value)
      && (!q || r.schema.toLowerCase().includes(q) || String(r.project).toLowerCase().includes(q) || r.cluster.toLowerCase().includes(q)));
    body.replaceChildren(...shown.slice(0, 200).map(r => el('tr', {}, el('td', {}, el('code', { text: r.schema })),
      el('td', { text: r.project }), el('td', { class: 'cluster', text: r.cluster }), el('td', {}, badge(r.state)),
      el('td', { class: 'muted', text: r.detail }))));
    if (shown.length > 200) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: `… ${shown.length - 200} more` })));
  };
  filter.oninput = draw;
  which.onchange = draw;
  draw();
  $('fleet-detail').replaceChildren(el('div', { class: 'actions' }, filter, which),
    el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, ['Schema', 'Project', 'Cluster', 'State', 'Detail'].map(h => el('th', { text: h })))), body)));
}

export function initFleet() {
  $('fleet-refresh').onclick = refreshFleet;
  refreshFleet();
  setInterval(() => document.visibilityState === 'visible' && refreshFleet(), EVERY_MS);
}
