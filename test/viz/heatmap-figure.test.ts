import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { rdbuR, viridis } from '../../src/viz/colormap.js';
import { colorLimits, heatmapFigure } from '../../src/viz/heatmap-figure.js';
import { render } from './render-helpers.js';

describe('heatmapFigure', () => {
  it('centres a diverging scale on 0: negative blue, positive red, zero white', async () => {
    // Left third −1, middle 0, right third +0.5.
    const a = Matrix.zeros(30, 30);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) a.set(i, j, j < 10 ? -1 : j < 20 ? 0 : 0.5);
    assert.deepEqual(colorLimits(a, { center: 0 }), [-1, 1]);
    const svg = heatmapFigure(a, { title: 'Residual A − UV', cmap: rdbuR, center: 0, colorbarLabel: 'A − UV' });
    assert.ok(svg.includes('Residual A − UV'));
    const px = await render(svg);
    const m = /<image x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
    assert.ok(m, 'heatmap image');
    const [x, y, w, h] = m.slice(1).map(Number);
    const left = px.at(x + w / 6, y + h / 2);
    assert.ok(left[2] > left[0] + 50, `left third is blue: ${left}`);
    const mid = px.at(x + w / 2, y + h / 2);
    assert.ok(mid.every((v) => v > 230), `middle is white: ${mid}`); // RdBu_r's centre is (247, 247, 247)
    const right = px.at(x + (5 * w) / 6, y + h / 2);
    assert.ok(right[0] > right[2] + 40, `right third is red: ${right}`);
    // The colour bar beside it spans the image's height.
    const bar = /<image x="([\d.]+)" y="([\d.]+)" width="16" height="([\d.]+)"/.exec(svg);
    assert.ok(bar && Number(bar[2]) === y && Number(bar[3]) === h, 'colour bar aligned with the image');
    assert.ok(Number(bar[1]) > x + w, 'colour bar right of the image');
  });

  it('reduces a large matrix by block means and says so', () => {
    const a = Matrix.zeros(2500, 40);
    const svg = heatmapFigure(a, { title: 't', cmap: viridis });
    // A 2500×40 strip: drawn at aspect ≤ 2, its rows averaged to fit the box, its 40 columns kept.
    const note = /2500×40 shown as (\d+)×1 block means \((\d+)×40 px\)/.exec(svg);
    assert.ok(note && Number(note[2]) === Math.ceil(2500 / Number(note[1])), svg.slice(0, 600));
    const box = /<image x="[^"]+" y="[^"]+" width="([^"]+)" height="([^"]+)" preserveAspectRatio="none" style/.exec(svg)!;
    assert.ok(Number(box[2]) / Number(box[1]) <= 2 + 1e-9, `aspect ${Number(box[2]) / Number(box[1])}`);
  });

  it('draws an empty matrix without failing', async () => {
    const svg = heatmapFigure(Matrix.zeros(0, 5), { title: 'empty' });
    assert.ok(svg.includes('empty matrix (0×5)'));
    await render(svg);
  });
});
