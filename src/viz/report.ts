/**
 * A self-contained HTML report: one file with the figures inline (SVG, their pixels as PNG
 * data URLs), the metrics tables and the parameters. No scripts, no web fonts, no external
 * URLs; a Content-Security-Policy forbids fetching anything but inline data, so it opens
 * offline and never touches the network. Browser-safe (builds a string).
 *
 * @module
 */
import { escapeXml } from './svg.js';

/** A figure of the report: an SVG string (inlined) or an image data URL. */
export interface ReportFigure {
  /** Heading above the figure; also its `aria-label`. */
  title: string;
  /** A complete `<svg …>…</svg>` string (as the viz figure functions return). */
  svg?: string;
  /** Or a `data:image/png;base64,…` URL. */
  dataUrl?: string;
  /** A sentence under the figure. */
  caption?: string;
}

/** A table of the report (e.g. the metrics, one column per method). */
export interface ReportTable {
  title: string;
  /** Header row; the first column names the rows. */
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

/** What {@link buildReport} puts on the page, in this order: heading, parameters, tables, figures, notes. */
export interface ReportInput {
  /** Page title and main heading. */
  title: string;
  /** A line under the heading (e.g. the command that made it). */
  subtitle?: string;
  /** Parameters, shown as a two-column table. */
  parameters?: Record<string, string | number | boolean | null | undefined>;
  tables?: ReportTable[];
  figures?: ReportFigure[];
  /** Short paragraphs at the end. */
  notes?: string[];
  /** Footer text (e.g. `lowrank 0.1.0`). */
  footer?: string;
}

const CSS = `
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px;font-size:14px}
table{border-collapse:collapse;font-size:14px;margin:8px 0}
th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}
figure{margin:12px 0 24px}figure svg,figure img{max-width:100%;height:auto;display:block;border:1px solid #eee}
figcaption{color:#555;font-size:13px;margin-top:4px}
footer{color:#888;font-size:12px;margin-top:32px}
`;

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '<td>—</td>';
  if (typeof v === 'number') return `<td class="num">${escapeXml(formatNumber(v))}</td>`;
  return `<td>${escapeXml(v)}</td>`;
}

/** Numbers in tables: integers as they are, others with 6 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

/** Strips an XML declaration or doctype from an SVG string so it can be inlined in HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/i, '');
}

/**
 * Builds the report page. Everything given is escaped except the SVG strings, which are
 * inlined as they are (they come from lowrank's figure functions).
 *
 * @example
 * ```ts
 * const html = buildReport({ title: 'lowrank demo', parameters: { rank: 10 },
 *   figures: [{ title: 'Loss', svg: figs.loss }] });
 * ```
 */
export function buildReport(input: ReportInput): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`);
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>${escapeXml(input.title)}</title>`);
  out.push(`<style>${CSS}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<h1>${escapeXml(input.title)}</h1>`);
  if (input.subtitle) out.push(`<p class="sub">${escapeXml(input.subtitle)}</p>`);
  const params = Object.entries(input.parameters ?? {}).filter(([, v]) => v !== undefined);
  if (params.length > 0) {
    out.push('<h2>Parameters</h2>');
    out.push('<table class="params"><tbody>');
    for (const [k, v] of params) out.push(`<tr><th>${escapeXml(k)}</th>${cell(typeof v === 'boolean' ? String(v) : (v as string | number | null))}</tr>`);
    out.push('</tbody></table>');
  }
  for (const t of input.tables ?? []) {
    out.push(`<h2>${escapeXml(t.title)}</h2>`);
    out.push('<table class="metrics"><thead><tr>');
    for (const c of t.columns) out.push(`<th>${escapeXml(c)}</th>`);
    out.push('</tr></thead><tbody>');
    for (const row of t.rows) {
      const [head, ...rest] = row;
      out.push(`<tr><th>${escapeXml(String(head ?? ''))}</th>${rest.map(cell).join('')}</tr>`);
    }
    out.push('</tbody></table>');
  }
  for (const f of input.figures ?? []) {
    out.push(`<h2>${escapeXml(f.title)}</h2>`);
    out.push(`<figure role="img" aria-label="${escapeXml(f.title)}">`);
    if (f.svg) out.push(inlineSvg(f.svg));
    else if (f.dataUrl) out.push(`<img alt="${escapeXml(f.title)}" src="${escapeXml(f.dataUrl)}">`);
    if (f.caption) out.push(`<figcaption>${escapeXml(f.caption)}</figcaption>`);
    out.push('</figure>');
  }
  if (input.notes && input.notes.length > 0) {
    out.push('<h2>Notes</h2>');
    for (const n of input.notes) out.push(`<p>${escapeXml(n)}</p>`);
  }
  if (input.footer) out.push(`<footer>${escapeXml(input.footer)}</footer>`);
  out.push('</body>');
  out.push('</html>');
  return out.join('\n') + '\n';
}
