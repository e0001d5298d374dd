import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { writeFileAtomic } from '../io/files.js';
import { compressWeights, expandWeights, type WeightCompressionReport } from '../io/weights-compress.js';
import { DEFAULT_ACTIVATION_RIDGE } from '../methods/activation-aware.js';
import { DEFAULT_MIN_SIZE, type RankRule, type WeightLayout } from '../methods/weight-compression.js';
import { lineChart } from '../viz/line-chart.js';
import { buildReport } from '../viz/report.js';
import { printJson } from './format.js';
import { choiceOption, intOption, numberOption, rejectInapplicableFlags } from './options.js';
import { packageVersion } from './version.js';
import { bytesOption } from './size-options.js';

interface WeightsFlags {
  out?: string;
  format: 'dense' | 'factored';
  rank?: number;
  energy?: number;
  tol?: number;
  params?: number;
  bytes?: number;
  allocation: 'global' | 'uniform';
  calibration?: string;
  ridge: number;
  layout?: WeightLayout;
  include?: string;
  exclude?: string;
  minSize: number;
  json?: boolean;
  report?: string;
}

/**
 * Registers `lowrank weights MODEL --out OUT (--rank K | --energy E | --tol T | --params F | --bytes B)`
 * and `lowrank weights expand FACTORED --out OUT`.
 *
 * @example
 * ```ts
 * registerWeights(program); // lowrank weights model.safetensors --params 0.3 --out small.safetensors
 * ```
 */
export function registerWeights(program: Command): void {
  const cmd = program
    .command('weights')
    .description('compress the weight matrices of a neural network (safetensors, sharded safetensors, tfjs model.json, .npz) by low-rank approximation; `weights expand` turns a factored file back into a dense one')
    .argument('<model>', 'model.safetensors, model.safetensors.index.json, a tfjs model.json / *weights_manifest.json, an .npz, or a folder holding one')
    .option('--out <path>', 'output: a file for a single safetensors/.npz input, a folder for sharded and tfjs models (without --out: the report only)')
    .option('--format <f>', 'dense: same names, shapes and dtypes with each weight replaced by its approximation; factored: NAME.lowrank_u (rows×k) and NAME.lowrank_v (k×cols)', choiceOption('--format', ['dense', 'factored'] as const), 'dense')
    .option('--rank <k>', 'rank rule: rank k for every weight', intOption('--rank', 1))
    .option('--energy <e>', 'rank rule: per weight, the smallest rank keeping a share e ∈ (0, 1] of Σσᵢ²', numberOption('--energy'))
    .option('--tol <t>', 'rank rule: per weight, the smallest rank with relative error ≤ t', numberOption('--tol'))
    .option('--params <f>', 'rank rule: the compressed weights keep at most a fraction f ∈ (0, 1] of their parameters, ranks allocated by --allocation', numberOption('--params'))
    .option('--bytes <b>', 'rank rule: the compressed weights take at most b bytes (e.g. 5MB, 1.5GiB), ranks allocated by --allocation', bytesOption)
    .option('--allocation <a>', 'for --params/--bytes: global (minimise the summed squared error: greedy on σᵢ²/(n+m), exact at the budget boundary) or uniform (the same fraction for every weight)', choiceOption('--allocation', ['global', 'uniform'] as const), 'global')
    .option('--calibration <acts>', 'activation-aware: a safetensors/.npz with, for each weight name (or its module name), sample inputs of that layer (samples × in-features); minimises ‖(W − Ŵ)X‖')
    .option('--ridge <r>', 'activation-aware: ridge added to XᵀX, relative to its mean diagonal', numberOption('--ridge'), DEFAULT_ACTIVATION_RIDGE)
    .option('--layout <l>', 'how n-D kernels become matrices: torch ([cout, cin, kh, kw] → cout × cin·kh·kw; inputs are columns) or keras ([kh, kw, cin, cout] → kh·kw·cin × cout; inputs are rows) (default: keras for tfjs, else torch)', choiceOption('--layout', ['torch', 'keras'] as const))
    .option('--include <regex>', 'compress only weights whose name matches (also admits embeddings)')
    .option('--exclude <regex>', 'keep weights whose name matches')
    .option('--min-size <n>', 'keep weights with fewer elements', intOption('--min-size', 0), DEFAULT_MIN_SIZE)
    .option('--json', 'print one JSON object')
    .option('--report <file.html>', 'write an HTML report with the table and a figure of rank and error per layer')
    .action(async (model: string, flags: WeightsFlags, self: Command) => {
      rejectInapplicableFlags(self, [
        { flags: ['allocation'], applies: flags.params !== undefined || flags.bytes !== undefined, context: '--params or --bytes' },
        { flags: ['ridge'], applies: flags.calibration !== undefined, context: '--calibration (activation-aware)' },
      ]);
      const rule = rankRule(flags);
      const include = regexOption('--include', flags.include);
      const exclude = regexOption('--exclude', flags.exclude);
      if (!(flags.ridge >= 0)) throw new LowRankError('E_ARG', `--ridge must be ≥ 0, got ${flags.ridge}`);
      const tty = process.stderr.isTTY && !flags.json;
      const rep = await compressWeights({
        input: model,
        out: flags.out ?? '',
        dryRun: flags.out === undefined,
        format: flags.format,
        rule,
        layout: flags.layout,
        include,
        exclude,
        minSize: flags.minSize,
        calibration: flags.calibration,
        ridge: flags.ridge,
        onProgress: tty ? (phase, name, done, total) => process.stderr.write(`\r${phase} ${done + 1}/${total} ${name}`.padEnd(70).slice(0, 100)) : undefined,
      });
      if (tty) process.stderr.write('\r'.padEnd(80) + '\r');
      if (flags.report) await writeFileAtomic(flags.report, weightsReportHtml(rep));
      if (flags.json) printJson(rep);
      else process.stdout.write(weightsTable(rep).join('\n') + '\n');
    });
  cmd
    .command('expand')
    .description('turn a factored file or model (weights --format factored) back into dense weights of the original shapes and dtypes')
    .argument('<factored>', 'a factored safetensors file, sharded index, tfjs model.json or .npz')
    .option('--out <path>', 'output file (folder for sharded and tfjs models); required')
    .option('--json', 'print one JSON object')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .action(async (input: string, flags: { out?: string; json?: boolean }, self: Command) => {
      // The root program parses options after the subcommand too, so `weights` may have taken --out and --json.
      const parent = self.parent?.opts<{ out?: string; json?: boolean }>() ?? {};
      // …and the compression flags, which expanding does not read.
      if (self.parent) {
        const compressing = self.parent.options.map((o) => o.attributeName()).filter((name) => name !== 'out' && name !== 'json');
        rejectInapplicableFlags(self.parent, [{ flags: compressing, applies: false, context: 'compressing (lowrank weights MODEL), not to weights expand' }]);
      }
      const out = flags.out ?? parent.out;
      if (out === undefined) throw new LowRankError('E_ARG', 'weights expand: --out is required');
      const names = await expandWeights(input, out);
      if (flags.json ?? parent.json) printJson({ input, out, expanded: names });
      else process.stdout.write(`Expanded ${names.length} factored tensors of ${input} into ${out}\n`);
    });
}

/** A regular-expression flag value; `E_ARG` naming the flag when it does not compile. */
export function regexOption(flag: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch (err) {
    throw new LowRankError('E_ARG', `${flag} is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function rankRule(f: WeightsFlags): RankRule {
  const given = (['rank', 'energy', 'tol', 'params', 'bytes'] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1) {
    throw new LowRankError('E_ARG', given.length === 0
      ? 'a rank rule is required: one of --rank, --energy, --tol, --params, --bytes'
      : `conflicting rank rules ${given.map((g) => '--' + g).join(' and ')}: give only one`);
  }
  const kind = given[0];
  const value = f[kind] as number;
  if (kind === 'params' || kind === 'bytes') return { kind, value, allocation: f.allocation };
  return { kind, value };
}

function fmtShape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function pct(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '' : `${(100 * x).toFixed(2)}%`;
}

/** The text table of a weights report: one row per tensor, then the totals. */
export function weightsTable(rep: WeightCompressionReport): string[] {
  const rows = rep.tensors.map((t) => [
    t.name,
    fmtShape(t.shape),
    t.dtype,
    t.compressed ? `${t.rank}/${t.fullRank}` : `kept: ${t.reason}`,
    String(t.paramsBefore),
    String(t.paramsAfter),
    t.compressed ? t.relativeError.toExponential(3) : '',
    t.compressed ? pct(t.energyKept) : '',
    t.whitenedError !== undefined ? t.whitenedError.toExponential(3) : '',
  ]);
  const head = ['tensor', 'shape', 'dtype', 'rank', 'params', 'after', 'rel. error', 'energy', ...(rep.activationAware ? ['whitened err.'] : [])];
  const all = [head, ...rows.map((r) => r.slice(0, head.length))];
  const widths = head.map((_, j) => Math.max(...all.map((r) => r[j].length)));
  const line = (r: string[]): string => r.map((c, j) => (j >= 4 && j !== 3 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  const t = rep.totals;
  const what = rep.activationAware ? 'activation-aware' : 'plain SVD';
  return [
    `Input: ${rep.input} (${rep.inputFormat}, ${rep.layout} layout), ${what}, rule ${ruleText(rep.rule)}`,
    '',
    line(head),
    ...all.slice(1).map(line),
    '',
    `Compressed tensors: ${rep.tensors.filter((x) => x.compressed).length} of ${rep.tensors.length}; their parameters ${t.selectedBefore} → ${t.selectedAfter} (${pct(t.selectedBefore ? t.selectedAfter / t.selectedBefore : 1)})`,
    `All parameters: ${t.paramsBefore} → ${t.paramsAfter} (${pct(t.paramsBefore ? t.paramsAfter / t.paramsBefore : 1)}); tensor bytes ${t.bytesBefore} → ${t.bytesAfter} in factored form`,
    `Relative error over the compressed tensors: ${t.relativeError.toExponential(3)}`,
    rep.out ? `Wrote ${rep.out} (${rep.format})` : 'No --out: nothing written',
  ];
}

function ruleText(r: RankRule): string {
  return r.kind === 'params' || r.kind === 'bytes' ? `--${r.kind} ${r.value} (${r.allocation})` : `--${r.kind} ${r.value}`;
}

/** The `--report` page: parameters, the per-tensor table and the rank/error-per-layer figures. */
export function weightsReportHtml(rep: WeightCompressionReport): string {
  const comp = rep.tensors.filter((t) => t.compressed);
  const x = comp.map((_, i) => i + 1);
  const figures = comp.length === 0 ? [] : [
    {
      title: 'Rank per layer',
      svg: lineChart(
        [
          { name: 'rank kept', x, y: comp.map((t) => t.rank ?? 0), markers: true },
          { name: 'full rank min(n, m)', x, y: comp.map((t) => t.fullRank ?? 0), dashed: true, markers: true },
        ],
        { title: 'Rank per layer', subtitle: ruleText(rep.rule), xLabel: 'compressed tensor (file order)', yLabel: 'rank', legend: 'top-right' },
      ),
      caption: `Rank kept by each compressed tensor (1 = ${comp[0].name}, …, ${comp.length} = ${comp[comp.length - 1].name}) against its full rank.`,
    },
    {
      title: 'Error per layer',
      svg: lineChart(
        [
          { name: 'relative error ‖W − Ŵ‖/‖W‖', x, y: comp.map((t) => t.relativeError), markers: true },
          ...(rep.activationAware ? [{ name: 'whitened error ‖(W − Ŵ)L‖/‖WL‖', x, y: comp.map((t) => t.whitenedError ?? NaN), markers: true }] : []),
          { name: '1 − energy kept', x, y: comp.map((t) => 1 - (t.energyKept ?? 1)), dashed: true, markers: true },
        ],
        { title: 'Error per layer', xLabel: 'compressed tensor (file order)', yLabel: 'relative error', logY: true, legend: 'top-right' },
      ),
      caption: 'Relative Frobenius error of each approximation as stored, and the share of Σσᵢ² it leaves out (whitened σ when activation-aware).',
    },
  ];
  return buildReport({
    title: `lowrank weights ${rep.input}`,
    subtitle: `${rep.inputFormat}, ${rep.layout} layout, ${rep.activationAware ? 'activation-aware' : 'plain SVD'}, ${ruleText(rep.rule)}`,
    parameters: {
      input: rep.input,
      output: rep.out || '(none)',
      format: rep.format,
      'parameters before': rep.totals.paramsBefore,
      'parameters after': rep.totals.paramsAfter,
      'compressed tensors before': rep.totals.selectedBefore,
      'compressed tensors after': rep.totals.selectedAfter,
      'relative error (compressed tensors)': rep.totals.relativeError,
    },
    tables: [
      {
        title: 'Tensors',
        columns: ['tensor', 'shape', 'rank', 'params before', 'params after', 'relative error', 'energy kept', ...(rep.activationAware ? ['whitened error'] : [])],
        rows: rep.tensors.map((t) => [
          t.name,
          fmtShape(t.shape),
          t.compressed ? `${t.rank}/${t.fullRank}` : `kept (${t.reason})`,
          t.paramsBefore,
          t.paramsAfter,
          t.compressed ? t.relativeError : null,
          t.compressed ? (t.energyKept ?? null) : null,
          ...(rep.activationAware ? [t.whitenedError ?? null] : []),
        ]),
      },
    ],
    figures,
    footer: `Made by lowrank ${packageVersion()}. One self-contained file: no scripts, no network.`,
  });
}
