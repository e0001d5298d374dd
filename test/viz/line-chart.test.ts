import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineChart } from '../../src/viz/line-chart.js';
import { render } from './render-helpers.js';

describe('lineChart', () => {
  it('draws title, labels, a log axis by decades and a labelled optimum line', async () => {
    const y = Array.from({ length: 500 }, (_, i) => 25 * Math.exp(-i / 30) + 0.12);
    const svg = lineChart([{ name: 'loss', y }], {
      title: 'Training loss per epoch',
      subtitle: '500 epochs',
      xLabel: 'epoch',
      yLabel: 'MSE (log scale)',
      logY: true,
      hLines: [{ value: 0.035, label: 'optimum (truncated SVD): 0.035', color: '#d62728' }],
    });
    for (const text of ['Training loss per epoch', '500 epochs', 'epoch', 'MSE (log scale)', 'optimum (truncated SVD): 0.035', '>0.1<', '>1<', '>10<']) {
      assert.ok(svg.includes(text), `missing ${text}`);
    }
    assert.match(svg, /stroke-dasharray="6 4"/);
    const px = await render(svg);
    assert.equal(px.width, 640);
    assert.equal(px.height, 400);
    // The optimum line is drawn in red below the end of the curve.
    const m = /<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+" stroke="#d62728"/.exec(svg);
    assert.ok(m, 'optimum line');
    const yLine = Number(m[1]);
    const end = /<path d="[^"]*L([\d.]+) ([\d.]+)"/.exec(svg);
    assert.ok(end && Number(end[2]) < yLine, 'optimum below the last loss');
    let red = 0;
    for (let x = 100; x < 500; x++) {
      const [r, g, b] = px.at(x, yLine);
      if (r > 180 && g < 120 && b < 120) red++;
    }
    assert.ok(red > 100, `optimum line drawn (${red} red pixels)`);
  });

  it('keeps a long series small: a million points thin to a few per pixel column', () => {
    const n = 1_000_000;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 1 + Math.sin(i / 1000) + (i % 97) / 1000;
    const svg = lineChart([{ name: 'loss', y }], { title: 'long' });
    assert.ok(svg.length < 200_000, `svg is ${svg.length} chars`);
  });

  it('leaves gaps at non-finite values and at non-positive values on a log axis', () => {
    const svg = lineChart([{ name: 's', y: [1, 2, NaN, 4, 5, -1, 7, 8] }], { title: 'gaps', logY: true });
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    assert.equal(path.split('M').length - 1, 3, path);
  });

  it('marks vertical reference lines, shows a legend for several series, handles empty and constant data', async () => {
    const svg = lineChart(
      [
        { name: 'energy', y: [0, 0.5, 0.9, 1], color: '#2ca02c' },
        { name: 'error', y: [1, 0.7, 0.3, 0], dashed: true },
      ],
      { title: 'against rank', vLines: [{ value: 2, label: 'rank 2' }], legend: 'center-right' },
    );
    assert.ok(svg.includes('rank 2') && svg.includes('>energy<') && svg.includes('>error<'));
    await render(svg);
    const empty = lineChart([{ name: 'none', y: [] }], { title: 'empty', logY: true });
    assert.ok(empty.includes('no positive values to show'));
    await render(empty);
    const flat = lineChart([{ name: 'c', y: [3, 3, 3] }], { title: 'flat' });
    assert.ok(!flat.includes('NaN'), 'no NaN coordinates');
  });

  it('escapes text', () => {
    const svg = lineChart([{ name: '<a&b>', y: [1, 2] }], { title: 'x < y & "z"', legend: 'top-left' });
    assert.ok(svg.includes('x &lt; y &amp; &quot;z&quot;') && svg.includes('&lt;a&amp;b&gt;'));
  });
});
