// One time zone for the whole page, UTC or the browser's, switchable and always labelled. Times are shown
// relative ("3 min ago") with the exact time on hover, or as a clock in log lines; every <time data-ts> on the
// page is re-rendered when the zone changes and as time passes.
const KEY = 'tasknode.admin.zone';
let zone = localStorage.getItem(KEY) === 'local' ? 'local' : 'UTC';

export function zoneLabel() {
  if (zone === 'UTC') return 'UTC';
  const part = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' }).formatToParts(new Date())
    .find(p => p.type === 'timeZoneName');
  return part ? part.value : 'local';
}

export function toggleZone() {
  zone = zone === 'UTC' ? 'local' : 'UTC';
  localStorage.setItem(KEY, zone);
  refreshTimes();
}

const pad = n => String(n).padStart(2, '0');

/** "2026-12-01 20:28:34 UTC" (or the browser's zone with its abbreviation). */
export function exact(ts) {
  const d = new Date(ts);
  if (!ts || isNaN(d)) return '';
  const u = zone === 'UTC';
  const f = [u ? d.getUTCFullYear() : d.getFullYear(), (u ? d.getUTCMonth() : d.getMonth()) + 1, u ? d.getUTCDate() : d.getDate(),
    u ? d.getUTCHours() : d.getHours(), u ? d.getUTCMinutes() : d.getMinutes(), u ? d.getUTCSeconds() : d.getSeconds()];
  return `${f[0]}-${pad(f[1])}-${pad(f[2])} ${pad(f[3])}:${pad(f[4])}:${pad(f[5])} ${zoneLabel()}`;
}

/** "20:28:34" in the page's zone: log lines, whose pane says which zone. */
export function clock(ts) {
  return exact(ts).slice(11, 19);
}

export function relative(ts, now = Date.now()) {
  const s = Math.round((now - new Date(ts)) / 1000);
  if (isNaN(s)) return '';
  const a = Math.abs(s);
  const text = a < 5 ? 'now' : a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 86400 * 2
    ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} days`;
  return text === 'now' ? 'just now' : s >= 0 ? text + ' ago' : 'in ' + text;
}

/** A <time> that shows `mode` ('relative' or 'clock') and the exact time on hover. */
export function timeEl(ts, mode = 'relative') {
  const t = document.createElement('time');
  t.dataset.ts = ts;
  t.dataset.mode = mode;
  render(t);
  return t;
}

function render(t) {
  const ts = t.dataset.ts;
  const d = new Date(ts);
  t.dateTime = isNaN(d) ? '' : d.toISOString();
  t.title = exact(ts);
  t.textContent = t.dataset.mode === 'clock' ? clock(ts) : t.dataset.mode === 'exact' ? exact(ts) : relative(ts);
}

export function refreshTimes(root = document) {
  for (const t of root.querySelectorAll('time[data-ts]')) render(t);
  for (const n of root.querySelectorAll('.tz-note, #tz-label')) n.textContent = n.id === 'tz-label' ? zoneLabel() : `(${zoneLabel()})`;
}

/** "112 ms", "4.2 s", "3 min 5 s": a run's duration, up to now while it runs. */
export function duration(r, now = Date.now()) {
  if (!r.started_at) return '';
  const ms = (r.finished_at ? new Date(r.finished_at) : now) - new Date(r.started_at);
  if (ms < 1000) return Math.max(0, ms) + ' ms';
  if (ms < 120000) return (ms / 1000).toFixed(1) + ' s';
  const s = Math.round(ms / 1000);
  return s < 7200 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

setInterval(() => refreshTimes(), 10000);
