import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, quantile } from '../../../webapp/js/status.js';

test('parses Prometheus text with labels, skipping comments', () => {
  const samples = parse('# TYPE x counter\nstreamrelay_generations_total{code="done",mp_scope="application"} 8.0\n'
    + 'streamrelay_generations_running{mp_scope="application"} 0\n');
  assert.equal(samples.length, 2);
  assert.deepEqual(samples[0], { name: 'streamrelay_generations_total',
    labels: { code: 'done', mp_scope: 'application' }, value: 8 });
});

test('quantiles interpolate within cumulative buckets like histogram_quantile', () => {
  // 10 observations: 5 in (0, 0.1], 4 in (0.1, 0.25], 1 in (0.25, 0.5].
  const buckets = new Map([[0.1, 5], [0.25, 9], [0.5, 10], [Infinity, 10]]);
  assert.equal(quantile(0.5, buckets), 0.1);
  assert.ok(Math.abs(quantile(0.99, buckets) - (0.25 + 0.25 * 0.9)) < 1e-9);
  assert.ok(Number.isNaN(quantile(0.5, new Map([[Infinity, 0]]))));
});
