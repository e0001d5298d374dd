import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport, formatNumber } from '../../src/viz/report.js';
import { lineChart } from '../../src/viz/line-chart.js';

describe('buildReport', () => {
  const svg = lineChart([{ name: 'loss', y: [3, 2, 1] }], { title: 'Loss per epoch' });
  const html = buildReport({
    title: 'lowrank <demo>',
    subtitle: 'a & b',
    parameters: { rank: 10, optimizer: 'adam', fused: true, skipped: undefined },
    tables: [{ title: 'Metrics', columns: ['', 'learned', 'svd'], rows: [['Frobenius', 24.4123456789, 13.5], ['Gap', null, 0]] }],
    figures: [
      { title: 'Loss', svg, caption: 'falls' },
      { title: 'Pixel', dataUrl: 'data:image/png;base64,AAAA' },
    ],
    notes: ['note <1>'],
    footer: 'lowrank 0.1.0',
  });

  it('is one self-contained page: no scripts, no external URLs, a CSP that allows only inline data', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!/<script/i.test(html));
    assert.ok(!/<link/i.test(html));
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace, which is never fetched');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"/);
    assert.ok(!/\b(src|href)="(?!data:)/.test(html), 'every src/href is a data: URL');
  });

  it('has the title, parameters, tables, figures (SVG inline) and notes, all escaped', () => {
    assert.ok(html.includes('<title>lowrank &lt;demo&gt;</title>'));
    assert.ok(html.includes('<p class="sub">a &amp; b</p>'));
    assert.ok(html.includes('<th>rank</th><td class="num">10</td>') && html.includes('<th>fused</th><td>true</td>') && !html.includes('skipped'));
    assert.ok(html.includes('<td class="num">24.4123</td>') && html.includes('<td>—</td>'));
    assert.ok(html.includes('<svg xmlns="http://www.w3.org/2000/svg"') && html.includes('Loss per epoch'));
    assert.ok(html.includes('<img alt="Pixel" src="data:image/png;base64,AAAA">'));
    assert.ok(html.includes('<p>note &lt;1&gt;</p>') && html.includes('<footer>lowrank 0.1.0</footer>'));
  });

  it('formats numbers for tables', () => {
    assert.equal(formatNumber(3), '3');
    assert.equal(formatNumber(0.000012345), '1.2345e-5');
    assert.equal(formatNumber(24.41234567), '24.4123');
    assert.equal(formatNumber(1e-8), '1e-8');
    assert.equal(formatNumber(Infinity), 'Infinity');
  });
});
