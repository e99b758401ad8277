// Rendering of task results. The shapes of the schema and backup results are read generically: known fields
// are shown nicely when present, everything is also available as a JSON tree. Text only ever goes through
// textContent (never innerHTML), so nothing a task returns can become markup.
import { exact } from './time.js';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function badge(text) {
  return el('span', { class: 'badge ' + String(text || '').toLowerCase().replace(/[^a-z_]/g, '_'), text: text || '?' });
}

/** The first field present among several possible names. */
export function pick(obj, ...names) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

export function fmtBytes(n) {
  if (typeof n !== 'number') return n === undefined ? '' : String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

export function fmtAge(ms) {
  const s = Math.round(ms / 1000);
  if (s < 90) return s + ' s';
  if (s < 5400) return Math.round(s / 60) + ' min';
  if (s < 129600) return (s / 3600).toFixed(1) + ' h';
  return (s / 86400).toFixed(1) + ' days';
}

/** A collapsible JSON tree: the fallback for every result shape the page does not know. */
export function jsonTree(value, open = true) {
  const node = (v, key) => {
    const k = key === undefined ? null : el('span', { class: 'k', text: JSON.stringify(key) + ': ' });
    if (v === null || typeof v !== 'object') {
      const cls = typeof v === 'string' ? 's' : v === null ? 'z' : 'n';
      return el('li', {}, k, el('span', { class: cls, text: JSON.stringify(v) }));
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const label = Array.isArray(v) ? `[${entries.length}]` : `{${entries.length}}`;
    const d = el('details', { open: open && entries.length <= 50 },
      el('summary', {}, k, el('span', { class: 'z', text: label })),
      el('ul', {}, entries.map(([kk, vv]) => node(vv, Array.isArray(v) ? undefined : kk))));
    return el('li', {}, d);
  };
  return el('ul', { class: 'tree' }, node(value));
}

// ---- proposals (propose_migrations)

export function changeSets(result) {
  const cs = pick(result, 'change_sets', 'changesets', 'changes', 'plans');
  return Array.isArray(cs) ? cs : [];
}

export function fingerprint(result) {
  return pick(result, 'fingerprint', 'proposal_fingerprint', 'expect');
}

function statements(cs) {
  const st = pick(cs, 'statements', 'steps', 'ddl');
  if (Array.isArray(st)) {
    return st.map(s => typeof s === 'string' ? { sql: s } : {
      sql: pick(s, 'sql', 'statement', 'ddl') || '',
      cls: pick(s, 'classification', 'class', 'kind', 'safety', 'risk'),
      reason: pick(s, 'reason', 'why', 'note'),
      how: formOf(s),
    });
  }
  const sql = pick(cs, 'sql', 'script');
  return sql ? [{ sql, cls: pick(cs, 'classification', 'class') }] : [];
}

/** How a statement runs (issue 12): phase, form and the lock it takes, e.g. "online · concurrently · SHARE UPDATE EXCLUSIVE on t". */
function formOf(s) {
  const parts = [pick(s, 'phase'), pick(s, 'form'), pick(s, 'lock')].filter(Boolean);
  return parts.length ? parts.join(' · ').replaceAll('_', ' ') : null;
}

function schemasOf(cs) {
  const s = pick(cs, 'schemas', 'applies_to', 'targets');
  if (Array.isArray(s)) return s.map(x => typeof x === 'string' ? x : pick(x, 'schema', 'name') || JSON.stringify(x));
  return [];
}

/** The whole proposal as one .sql file: each change set's script with the schemas it applies to. */
export function proposalSql(result) {
  const out = ['-- tasknode proposal' + (fingerprint(result) ? ' ' + fingerprint(result) : ''),
    '-- {schema} stands for the schema being migrated, {shared} for the shared schema', ''];
  changeSets(result).forEach((cs, i) => {
    out.push(`-- change set ${i + 1}: applies to ${schemasOf(cs).join(', ') || '(see proposal)'}`);
    const script = pick(cs, 'script', 'sql');
    if (typeof script === 'string' && script.trim()) out.push(script.trim());
    else statements(cs).forEach(s => out.push((s.cls ? `-- ${s.cls}${s.reason ? ': ' + s.reason : ''}${s.how ? ' [' + s.how + ']' : ''}\n` : '') +
      s.sql.trim().replace(/;?$/, ';')));
    out.push('');
  });
  return out.join('\n');
}

/** The proposal view: change sets with classified SQL, download, and Apply of exactly what was reviewed. */
export function proposalView(result, { onApply, canDestructive }) {
  const sets = changeSets(result);
  const box = el('div', { class: 'proposal', id: 'proposal' });
  if (!sets.length) {
    box.append(el('p', { class: 'ok', text: 'Nothing to migrate: every schema matches the model.' }));
    return box;
  }
  sets.forEach((cs, i) => {
    const schemas = schemasOf(cs);
    const count = pick(cs, 'schema_count', 'count') ?? schemas.length;
    const shown = schemas.slice(0, 12).join(', ') + (schemas.length > 12 ? `, … (${schemas.length})` : '');
    const c = pick(cs, 'counts') || {};
    box.append(el('article', { class: 'changeset' },
      el('header', {}, el('strong', { text: `Change set ${i + 1}` }),
        el('span', { class: 'cs-counts' }, ['safe', 'locking', 'destructive'].filter(k => c[k]).flatMap(k => [badge(k), ` ${c[k]} `])),
        el('span', { class: 'muted', text: `applies to ${count} schema${count === 1 ? '' : 's'}: ${shown}` }),
        clustersOf(cs) ? el('span', { class: 'muted cs-clusters', text: `by cluster: ${clustersOf(cs)}` }) : null),
      statements(cs).map(s => el('div', { class: 'stmt' },
        s.cls ? badge(s.cls) : el('span'), el('pre', { class: 'sql', text: s.sql }),
        s.reason ? el('span', { class: 'reason', text: s.reason }) : null,
        s.how ? el('span', { class: 'form', text: s.how }) : null)),
      findingsView(pick(cs, 'findings'))));
  });
  // Two different numbers, both labelled: distinct statements to review (the sum over the change sets shown
  // below) and statement runs, which count each statement once per schema it applies to.
  const distinct = { safe: 0, locking: 0, destructive: 0 };
  for (const cs of sets) for (const k of Object.keys(distinct)) distinct[k] += (pick(cs, 'counts') || {})[k] || 0;
  const totals = pick(result, 'totals');
  const counts = o => ['safe', 'locking', 'destructive'].map(k => el('span', { class: 'count-pair', 'data-kind': k }, badge(k), ` ${o[k] ?? 0} `));
  box.prepend(el('div', { class: 'totals', id: 'proposal-totals' },
    el('p', {}, el('strong', { text: `${pick(result, 'to_change') ?? '?'} of ${pick(result, 'schemas') ?? '?'} schemas to change` }),
      ` in ${sets.length} change set${sets.length === 1 ? '' : 's'}.`),
    el('p', { id: 'totals-distinct' }, el('span', { class: 'label', text: 'Statements to review: ' }), counts(distinct)),
    totals ? el('p', { id: 'totals-runs', class: 'muted' }, el('span', { class: 'label', text: 'Statement runs (statements × schemas): ' }), counts(totals)) : null));
  const fp = fingerprint(result);
  const destructive = el('input', { type: 'checkbox', id: 'apply-destructive', disabled: !canDestructive });
  const download = el('button', { type: 'button', id: 'download-sql', onclick: () => {
    const url = URL.createObjectURL(new Blob([proposalSql(result)], { type: 'application/sql' }));
    el('a', { href: url, download: `proposal-${fp || 'migrations'}.sql` }).click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } }, 'Download .sql');
  const apply = el('button', { type: 'button', class: 'primary', id: 'apply-proposal',
    onclick: () => onApply({ expect: fp, allow_destructive: destructive.checked }) }, 'Apply this proposal');
  box.append(el('div', { class: 'actions' }, download, apply,
    el('label', { for: 'apply-destructive' }, destructive, 'also destructive changes' + (canDestructive ? '' : ' (ADMIN only)'))));
  if (fp) box.append(el('p', { class: 'hint', text: `Apply sends expect=${fp}: the node refuses if the fleet changed since this proposal.` }));
  return box;
}

/** Data checks that found rows: the statement would fail or lose data on that schema. */
function findingsView(findings) {
  if (!Array.isArray(findings) || !findings.length) return null;
  return el('div', { class: 'error-box' }, el('strong', { text: 'Data checks found rows:' }),
    el('ul', {}, findings.map(f => el('li', { text: `${pick(f, 'schema') || ''}: statement ${pick(f, 'statement') ?? '?'} — ${pick(f, 'check') || ''} (${pick(f, 'count') ?? '?'} rows)` }))));
}

// ---- backups (list_backups, show_backup)

export function backupsOf(result) {
  const b = Array.isArray(result) ? result : pick(result, 'backups', 'items');
  return Array.isArray(b) ? b : [];
}

/** ISO instants in the page's one format and zone (time.js); anything else as it came. */
export function fmtDate(v) {
  const d = v ? new Date(v) : null;
  return d && !isNaN(d) ? exact(v) : (v || '');
}

export function backupRow(b) {
  const schemas = pick(b, 'schemas', 'schema_count');
  const valid = pick(b, 'valid', 'intact');
  return {
    id: pick(b, 'id', 'backup_id') || '?',
    date: pick(b, 'created_at', 'started_at', 'date', 'finished_at', 'time') || '',
    shownDate: fmtDate(pick(b, 'created_at', 'started_at', 'date', 'finished_at', 'time')),
    schemas: Array.isArray(schemas) ? schemas.length : schemas ?? '',
    schemaNames: Array.isArray(schemas) ? schemas.map(s => typeof s === 'string' ? s : pick(s, 'schema', 'name')) : [],
    size: fmtBytes(pick(b, 'size_bytes', 'size', 'bytes', 'total_bytes')),
    status: pick(b, 'status'),
    valid: valid === undefined ? '' : valid ? 'valid' : 'invalid',
    clusters: clusterCounts(pick(b, 'clusters')),
  };
}

/** list_backups' schemas per cluster ({"default": 2, "tn2": 3}) as "default 2 · tn2 3"; '' for one default cluster. */
function clusterCounts(byCluster) {
  if (!byCluster || typeof byCluster !== 'object') return '';
  const names = Object.keys(byCluster);
  if (names.length === 0 || (names.length === 1 && names[0] === 'default')) return '';
  // default first, then by name, as the node lists them: a stored result (jsonb) comes back with its keys reordered
  names.sort((a, b) => (a !== 'default') - (b !== 'default') || a.localeCompare(b));
  return names.map(n => `${n} ${byCluster[n]}`).join(' · ');
}

export function backupTable(result, onChoose) {
  const rows = backupsOf(result).map(backupRow);
  if (!rows.length) return el('p', { class: 'muted', text: 'No backups.' });
  // a fleet over several clusters: which clusters each backup holds, and how many schemas of each
  const several = rows.some(r => r.clusters);
  const heads = ['Backup', 'Date', 'Schemas', ...(several ? ['Clusters'] : []), 'Size', 'Status', 'Valid', ''];
  return el('div', { class: 'table-wrap' }, el('table', { id: 'backups-table' },
    el('thead', {}, el('tr', {}, heads.map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.map(r => el('tr', { 'data-backup': r.id },
      el('td', {}, el('code', { text: r.id })), el('td', { text: r.shownDate }), el('td', { class: 'num', text: r.schemas }),
      several ? el('td', { class: 'clusters', text: r.clusters || 'default' }) : null,
      el('td', { class: 'num', text: r.size }), el('td', {}, r.status ? badge(r.status) : ''),
      el('td', {}, r.valid ? badge(r.valid) : ''),
      el('td', {}, onChoose ? el('button', { type: 'button', class: 'small choose-backup', onclick: () => onChoose(r) }, 'Choose') : ''))))));
}

/** A manifest: its schemas (size, rows) when it has them, always the full document below. */
export function manifestView(doc) {
  const m = pick(doc, 'manifest') || doc;
  const list = pick(m, 'schemas', 'entries');
  const box = el('div', { class: 'manifest' });
  const valid = pick(doc, 'valid');
  if (valid !== undefined) {
    box.append(el('p', {}, badge(valid ? 'valid' : 'invalid'), ' ', pick(m, 'status') ? badge(pick(m, 'status')) : '',
      ` ${pick(m, 'id') || ''} · taken ${fmtDate(pick(m, 'started_at')) || '?'} · PostgreSQL ${pick(m, 'server_version') || '?'}`));
    const problems = pick(doc, 'problems');
    if (Array.isArray(problems) && problems.length) box.append(el('div', { class: 'error-box' }, el('ul', {}, problems.map(p => el('li', { text: p })))));
  }
  if (Array.isArray(list) && list.length && typeof list[0] === 'object') {
    // a backup of several clusters names each schema's cluster (each cluster has its own shared schema)
    const several = list.some(s => pick(s, 'cluster') && pick(s, 'cluster') !== 'default');
    const heads = ['Schema', ...(several ? ['Cluster'] : []), 'File', 'Tables', 'Rows', 'Status'];
    box.append(el('table', { class: 'manifest-schemas' }, el('thead', {}, el('tr', {}, heads.map(h => el('th', { text: h })))),
      el('tbody', {}, list.map(s => {
        const counts = pick(s, 'row_counts', 'tables');
        const rows = counts && typeof counts === 'object' ? Object.values(counts).reduce((a, x) => a + (typeof x === 'number' ? x : pick(x, 'rows') || 0), 0) : '';
        return el('tr', {}, el('td', {}, el('code', { text: pick(s, 'schema', 'name') || '?' })),
          several ? el('td', { class: 'cluster', text: pick(s, 'cluster') || 'default' }) : null,
          el('td', {}, pick(s, 'file') ? el('code', { text: pick(s, 'file') }) : fmtBytes(pick(s, 'size_bytes', 'size', 'bytes'))),
          el('td', { class: 'num', text: counts && typeof counts === 'object' ? Object.keys(counts).length : '' }),
          el('td', { class: 'num', text: rows }), el('td', {}, pick(s, 'status') ? badge(pick(s, 'status')) : ''));
      }))));
  }
  box.append(el('details', {}, el('summary', { text: 'Full manifest' }), jsonTree(doc, false)));
  return box;
}

/** Project ids a backup holds, from its manifest (p_<id> schema names or explicit project ids). */
export function projectsOf(doc, sharedName = 'shared') {
  const m = pick(doc, 'manifest') || doc;
  const list = pick(m, 'schemas', 'entries') || [];
  const ids = new Set();
  for (const s of list) {
    const pid = typeof s === 'object' ? pick(s, 'project_id', 'project') : undefined;
    const name = typeof s === 'string' ? s : pick(s, 'schema', 'name');
    if (pid) ids.add(String(pid));
    else if (name && name !== sharedName) ids.add(String(name).replace(/^p_|^project_/, ''));
  }
  return [...ids].sort();
}

// ---- fleet (schema_status)

export const STATES = ['up_to_date', 'pending', 'drifted', 'failed'];

export function fleetOf(result) {
  let list = pick(result, 'schema_states', 'states', 'schemas', 'items');
  if (!Array.isArray(list)) list = [];
  const rows = list.map(s => {
    const schema = pick(s, 'schema', 'name') || '?';
    const pending = pick(s, 'pending_statements');
    const destructive = pick(s, 'destructive');
    const detail = [pending ? `${pending} statement${pending === 1 ? '' : 's'} pending` : '',
      destructive ? `${destructive} destructive` : '', pick(s, 'last_outcome') ? 'last apply: ' + pick(s, 'last_outcome') : '',
      pick(s, 'detail', 'reason', 'message', 'error') || ''].filter(Boolean).join(' · ');
    return {
      schema,
      cluster: pick(s, 'cluster') || '',
      project: pick(s, 'project_id', 'project') || (/^p_/.test(schema) ? schema.slice(2) : schema === 'shared' ? '(shared)' : ''),
      state: String(pick(s, 'state', 'status') || '?').toLowerCase().replace(/[ -]/g, '_'),
      detail,
    };
  });
  const given = pick(result, 'counts', 'summary');
  const counts = {};
  for (const st of STATES) counts[st] = typeof given === 'object' && given && typeof given[st] === 'number'
    ? given[st] : rows.filter(r => r.state === st).length;
  const clusters = (pick(result, 'clusters') || []).filter(c => c && c.cluster);
  return { rows, counts, clusters };
}

/** "on default: p_1, p_2 · on tn2: p_7" for a change set that names its clusters (several clusters only). */
export function clustersOf(cs) {
  const by = pick(cs, 'clusters');
  if (!by || typeof by !== 'object' || Object.keys(by).length < 2 && Object.keys(by)[0] === 'default') return '';
  return Object.entries(by).map(([c, list]) => `${c}: ${Array.isArray(list) ? list.length : '?'}`).join(' · ');
}
