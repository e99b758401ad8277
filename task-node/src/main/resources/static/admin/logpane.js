// The log pane: every event of the shown run is kept (so filters never lose lines), shown by level and search,
// followed (scrolled to the end) unless paused, and can be copied or downloaded as text or as the JSON events.
import { el } from './views.js';
import { clock, exact } from './time.js';

const $ = id => document.getElementById(id);
const RANK = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };
const pane = { events: [], seqs: new Set(), name: 'task' };

export function logLine(e) {
  const ts = el('time', { class: 'ts', 'data-ts': e.ts || '', 'data-mode': 'clock', title: exact(e.ts), text: clock(e.ts) });
  if (e.type === 'progress') {
    return el('li', { class: 'progress', 'data-level': 'INFO' }, ts, `progress ${e.done}${e.total ? '/' + e.total : ''} ${e.message || ''}`);
  }
  return el('li', { class: e.level, 'data-seq': e.seq, 'data-level': e.level || 'INFO' }, ts,
    e.level !== 'INFO' ? el('span', { class: 'lvl', text: e.level }) : '', e.message);
}

function shown(e) {
  const level = e.type === 'progress' ? 'INFO' : e.level || 'INFO';
  if ((RANK[level] ?? 1) < RANK[$('log-level').value]) return false;
  const q = $('log-search').value.trim().toLowerCase();
  return !q || String(e.message || '').toLowerCase().includes(q) || level.toLowerCase() === q;
}

function count() {
  const n = $('log').children.length;
  $('log-count').textContent = pane.events.length ? (n === pane.events.length ? `${n} lines` : `${n} of ${pane.events.length} lines`) : '';
}

/** A new run in the pane: `name` names the downloads. */
export function resetLog(name) {
  pane.events = [];
  pane.seqs.clear();
  pane.name = name || 'task';
  $('log').replaceChildren();
  count();
}

export function nameLog(name) {
  pane.name = name;
}

export function appendLog(e) {
  if (e.seq && e.type !== 'progress') {
    if (pane.seqs.has(e.seq)) return;
    pane.seqs.add(e.seq);
  }
  pane.events.push(e);
  if (shown(e)) {
    $('log').append(logLine(e));
    if ($('log-follow').checked) $('log').scrollTop = $('log').scrollHeight;
  }
  count();
}

function redraw() {
  $('log').replaceChildren(...pane.events.filter(shown).map(logLine));
  if ($('log-follow').checked) $('log').scrollTop = $('log').scrollHeight;
  count();
}

export function logText(events = pane.events) {
  return events.map(e => e.type === 'progress'
    ? `${exact(e.ts)} PROGRESS ${e.done}${e.total ? '/' + e.total : ''} ${e.message || ''}`.trimEnd()
    : `${exact(e.ts)} ${(e.level || 'INFO').padEnd(5)} ${e.message}`).join('\n') + '\n';
}

function download(text, type, file) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  el('a', { href: url, download: file }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function copy() {
  const text = logText(pane.events.filter(shown));
  const btn = $('log-copy');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // no clipboard permission (plain http): the old way, through a selected text area
    const area = el('textarea', { class: 'sr-only' });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  btn.textContent = `Copied ${$('log').children.length} lines`;
  setTimeout(() => { btn.textContent = 'Copy'; }, 2500);
}

document.addEventListener('DOMContentLoaded', () => {
  $('log-level').onchange = redraw;
  $('log-search').oninput = redraw;
  $('log-follow').onchange = () => $('log-follow').checked && ($('log').scrollTop = $('log').scrollHeight);
  // scrolling up (wheel or touch) pauses following; ticking "follow" again goes back to the end
  const pause = () => { $('log-follow').checked = false; };
  $('log').addEventListener('wheel', ev => ev.deltaY < 0 && pause(), { passive: true });
  $('log').addEventListener('touchmove', pause, { passive: true });
  $('log-copy').onclick = copy;
  $('log-download-txt').onclick = () => download(logText(), 'text/plain', `${pane.name}.log.txt`);
  $('log-download-json').onclick = () => download(JSON.stringify(pane.events, null, 2) + '\n', 'application/json', `${pane.name}.events.json`);
});
