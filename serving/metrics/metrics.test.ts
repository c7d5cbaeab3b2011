import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from './metrics.ts';

describe('Prometheus text exposition', () => {
  it('renders counters, gauges and cumulative histogram buckets', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('http_requests_total', 'Requests', ['route', 'status']);
    const latency = registry.histogram('latency_seconds', 'Latency', ['route'], [0.01, 0.1]);
    const loaded = registry.gauge('model_loaded', 'Loaded', ['family']);
    requests.inc({ route: '/v1/prices/suggest', status: '200' });
    requests.inc({ route: '/v1/prices/suggest', status: '200' }, 2);
    requests.inc({ route: '/v1/demand', status: '400' });
    for (const v of [0.005, 0.05, 0.05, 3]) latency.observe({ route: '/v1/demand' }, v);
    loaded.set({ family: 'price' }, 1);
    const text = registry.render();
    assert.match(text, /^# HELP http_requests_total Requests$/m);
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.match(text, /^http_requests_total\{route="\/v1\/prices\/suggest",status="200"\} 3$/m);
    assert.match(text, /^http_requests_total\{route="\/v1\/demand",status="400"\} 1$/m);
    assert.match(text, /^latency_seconds_bucket\{route="\/v1\/demand",le="0.01"\} 1$/m);
    assert.match(text, /^latency_seconds_bucket\{route="\/v1\/demand",le="0.1"\} 3$/m);
    assert.match(text, /^latency_seconds_bucket\{route="\/v1\/demand",le="\+Inf"\} 4$/m);
    assert.match(text, /^latency_seconds_sum\{route="\/v1\/demand"\} 3.105$/m);
    assert.match(text, /^latency_seconds_count\{route="\/v1\/demand"\} 4$/m);
    assert.match(text, /^model_loaded\{family="price"\} 1$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('escapes label values and refuses a metric registered twice', () => {
    const registry = new MetricsRegistry();
    registry.counter('c_total', 'C', ['route']).inc({ route: 'a"b\\c\nd' });
    assert.match(registry.render(), /c_total\{route="a\\"b\\\\c\\nd"\} 1/);
    assert.throws(() => registry.counter('c_total', 'again'), /registered twice/);
    assert.throws(() => registry.counter('bad-name', 'x'), /not valid/);
  });

  it('runs collectors before rendering, so gauges read the current state', () => {
    const registry = new MetricsRegistry();
    const buffered = registry.gauge('buffered_rows', 'Rows');
    let rows = 5;
    registry.onCollect(() => buffered.set({}, rows));
    assert.match(registry.render(), /^buffered_rows 5$/m);
    rows = 0;
    assert.match(registry.render(), /^buffered_rows 0$/m);
  });
});
