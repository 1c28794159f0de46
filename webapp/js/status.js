// The status page: reads the relay's metrics (Prometheus text from /api/status/metrics, the same numbers Payara
// serves at /metrics) every few seconds and draws the last minutes. Counters become rates between two readings;
// time to first token percentiles come from the histogram buckets' growth over the last minute.

const POLL_MS = 2000;
const HISTORY_MS = 5 * 60 * 1000;
const WINDOW_MS = 60 * 1000;
const KEY = 'streamrelay.admin-key';

const history = []; // {at, streams: {sse, ndjson}, pieces, ttftBuckets: Map<le, count>, codes: Map<code, count>}

/** Prometheus text: [{name, labels, value}]. */
export function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line.trim());
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

function sum(samples, name, filter = () => true) {
  return samples.filter(s => s.name === name && filter(s.labels)).reduce((a, s) => a + s.value, 0);
}

function reading(samples) {
  const ttftBuckets = new Map();
  for (const s of samples) {
    if (s.name === 'gen_ai_server_time_to_first_token_seconds_bucket') {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      ttftBuckets.set(le, (ttftBuckets.get(le) || 0) + s.value);
    }
  }
  const codes = new Map();
  for (const s of samples) {
    if (s.name === 'streamrelay_generations_total' && s.labels.code !== 'done') {
      codes.set(s.labels.code, (codes.get(s.labels.code) || 0) + s.value);
    }
  }
  return {
    at: Date.now(),
    streams: {
      sse: sum(samples, 'streamrelay_streams_open', l => l.transport === 'sse'),
      ndjson: sum(samples, 'streamrelay_streams_open', l => l.transport === 'ndjson'),
    },
    pieces: sum(samples, 'streamrelay_output_pieces_total'),
    ttftBuckets,
    codes,
  };
}

/** histogram_quantile over cumulative bucket counts (Map le -> count): linear within the bucket, in seconds. */
export function quantile(q, buckets) {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (les.length ? buckets.get(les[les.length - 1]) : 0);
  if (!total) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of les) {
    const count = buckets.get(le);
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + (le - lower) * ((rank - below) / Math.max(count - below, 1e-9));
    }
    lower = le;
    below = count;
  }
  return lower;
}

function growth(now, then) {
  const out = new Map();
  for (const [le, count] of now.ttftBuckets) out.set(le, count - (then?.ttftBuckets.get(le) || 0));
  return out;
}

function draw(svg, series) {
  const max = Math.max(1, ...series.flatMap(s => s.points.map(p => p[1])).filter(Number.isFinite));
  const now = Date.now();
  // The charts span what has been read so far (at least 20 s), up to the last five minutes.
  const span = Math.min(HISTORY_MS, Math.max(20000, now - (history[0]?.at ?? now)));
  svg.replaceChildren(...series.map(s => {
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('class', s.cls);
    line.setAttribute('points', s.points.filter(p => Number.isFinite(p[1]))
      .map(([t, v]) => `${(300 * (1 - (now - t) / span)).toFixed(1)},${(98 - 94 * v / max).toFixed(1)}`)
      .join(' '));
    return line;
  }));
}

function show(id, value, text) {
  const out = document.getElementById(id);
  out.dataset.value = Number.isFinite(value) ? String(value) : '';
  out.textContent = text;
}

function render() {
  const last = history[history.length - 1];
  const points = history.map((r, i) => {
    const before = history[i - 1];
    const seconds = before ? (r.at - before.at) / 1000 : NaN;
    const minute = history.find(x => x.at >= r.at - WINDOW_MS) || r;
    const g = growth(r, minute === r ? null : minute);
    return {
      at: r.at,
      open: [r.streams.sse, r.streams.ndjson],
      tps: before ? Math.max(0, r.pieces - before.pieces) / seconds : NaN,
      p50: quantile(0.5, g) * 1000,
      p99: quantile(0.99, g) * 1000,
      errors: before ? [...r.codes.values()].reduce((a, v) => a + v, 0)
        - [...before.codes.values()].reduce((a, v) => a + v, 0) : NaN,
    };
  });
  const p = points[points.length - 1];
  const open = last.streams.sse + last.streams.ndjson;
  show('open-streams', open, String(open));
  show('tokens-rate', p.tps, Number.isFinite(p.tps) ? p.tps.toFixed(1) : '–');
  show('ttft-p50', p.p50, Number.isFinite(p.p50) ? `${p.p50.toFixed(0)} ms` : '–');
  show('ttft-p99', p.p99, Number.isFinite(p.p99) ? `${p.p99.toFixed(0)} ms` : '–');
  const totalErrors = [...last.codes.values()].reduce((a, v) => a + v, 0);
  show('errors-total', totalErrors, String(totalErrors));
  draw(document.getElementById('chart-streams'), [
    { cls: 's1', points: points.map(x => [x.at, x.open[0]]) },
    { cls: 's2', points: points.map(x => [x.at, x.open[1]]) }]);
  draw(document.getElementById('chart-tokens'), [{ cls: 's1', points: points.map(x => [x.at, x.tps]) }]);
  draw(document.getElementById('chart-ttft'), [
    { cls: 's1', points: points.map(x => [x.at, x.p50]) },
    { cls: 's2', points: points.map(x => [x.at, x.p99]) }]);
  draw(document.getElementById('chart-errors'), [{ cls: 's3', points: points.map(x => [x.at, x.errors]) }]);
  const list = document.getElementById('errors');
  list.replaceChildren(...[...last.codes.entries()].sort((a, b) => b[1] - a[1]).map(([code, count]) => {
    const item = document.createElement('li');
    item.dataset.code = code;
    item.textContent = `${code}: ${count}`;
    return item;
  }));
  document.getElementById('updated').textContent =
    `Updated ${new Date(last.at).toLocaleTimeString()}; the charts show the last `
    + `${Math.round(Math.min(HISTORY_MS, Math.max(20000, last.at - history[0].at)) / 1000)} s, read every ${POLL_MS / 1000} s.`;
}

async function poll() {
  const headers = { Accept: 'text/plain' };
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = `Bearer ${key}`;
  try {
    const response = await fetch('api/status/metrics', { headers, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) {
      askForKey(response.status === 403 ? 'This key may not read the status data.' : '');
      return;
    }
    if (!response.ok) throw new Error(`the metrics answered ${response.status}`);
    history.push(reading(parse(await response.text())));
    while (history.length && history[0].at < Date.now() - HISTORY_MS) history.shift();
    document.getElementById('key-form').hidden = true;
    render();
  } catch (failure) {
    document.getElementById('updated').textContent = `Could not read the metrics: ${failure.message}`;
  }
}

function askForKey(problem) {
  const form = document.getElementById('key-form');
  form.hidden = false;
  document.getElementById('key-problem').textContent = problem;
}

if (typeof document !== 'undefined') {
  document.getElementById('key-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById('key').value.trim());
    poll();
  });
  poll();
  setInterval(poll, POLL_MS);
}
