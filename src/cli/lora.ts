import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite } from '../core/matrix.js';
import { encodeFloats, serializeSafetensors, type SafetensorsTensor } from '../io/safetensors.js';
import { moduleName } from '../io/weights-compress.js';
import { openWeights } from '../io/weights-files.js';
import { AtomicOutput } from '../io/weights-writer.js';
import { extractLora, type LoraRankRule } from '../methods/lora.js';
import { EMBEDDING_PATTERN } from '../methods/weight-compression.js';
import { printJson } from './format.js';
import { intOption, numberOption } from './options.js';
import { regexOption } from './weights.js';

/** The prefix PEFT gives adapter tensor names of a model wrapped by `get_peft_model`. */
export const PEFT_PREFIX = 'base_model.model.';

interface LoraFlags {
  rank?: number;
  energy?: number;
  out: string;
  include?: string;
  exclude?: string;
  json?: boolean;
}

/** One module of the adapter. */
export interface LoraModuleReport {
  module: string;
  weight: string;
  shape: [number, number];
  rank: number;
  /** ‖ΔW − B·A‖ / ‖ΔW‖ of the stored factors. */
  relativeError: number;
  /** ‖ΔW‖_F / ‖W_base‖_F. */
  relativeDelta: number;
}

/**
 * Registers `lowrank lora BASE TUNED (--rank R | --energy E) --out DIR`: extracts a PEFT LoRA
 * adapter (`adapter_model.safetensors` + `adapter_config.json`) from the difference of two
 * checkpoints, as mergekit's `extract_lora` does.
 *
 * @example
 * ```ts
 * registerLora(program); // lowrank lora base.safetensors tuned.safetensors --rank 8 --out adapter/
 * ```
 */
export function registerLora(program: Command): void {
  program
    .command('lora')
    .description('extract a LoRA adapter (PEFT format) from a base and a fine-tuned checkpoint: the truncated SVD of each changed 2-D weight ΔW = tuned − base, lora_B = U·Σ (out×r), lora_A = Vᵀ (r×in)')
    .argument('<base>', 'base weights (safetensors, sharded index, .npz or tfjs model)')
    .argument('<tuned>', 'fine-tuned weights, same names and shapes')
    .option('--rank <r>', 'rank r of every adapter', intOption('--rank', 1))
    .option('--energy <e>', 'per module, the smallest rank keeping a share e ∈ (0, 1] of ‖ΔW‖²_F (ranks then go to rank_pattern)', numberOption('--energy'))
    .requiredOption('--out <dir>', 'adapter folder (adapter_model.safetensors, adapter_config.json)')
    .option('--include <regex>', 'only weights whose name matches (also admits embeddings)')
    .option('--exclude <regex>', 'skip weights whose name matches')
    .option('--json', 'print one JSON object')
    .action(async (basePath: string, tunedPath: string, flags: LoraFlags) => {
      if ((flags.rank === undefined) === (flags.energy === undefined)) {
        throw new LowRankError('E_ARG', flags.rank === undefined ? 'a rank rule is required: --rank or --energy' : 'conflicting rank rules --rank and --energy: give only one');
      }
      const rule: LoraRankRule = flags.rank !== undefined ? { rank: flags.rank } : { energy: flags.energy as number };
      const include = regexOption('--include', flags.include);
      const exclude = regexOption('--exclude', flags.exclude);
      const base = await openWeights(basePath);
      const tuned = await openWeights(tunedPath);
      try {
        const tunedByName = new Map(tuned.tensors.map((t) => [t.name, t]));
        const tensors: SafetensorsTensor[] = [];
        const modules: LoraModuleReport[] = [];
        for (const b of base.tensors) {
          const t = tunedByName.get(b.name);
          if (!t || !b.float || b.shape.length !== 2) continue;
          if (exclude?.test(b.name) || (include ? !include.test(b.name) : EMBEDDING_PATTERN.test(b.name))) continue;
          if (t.shape.join() !== b.shape.join()) {
            throw new LowRankError('E_SHAPE', `${tunedPath}: tensor '${b.name}' has shape [${t.shape.join(', ')}] but the base has [${b.shape.join(', ')}]`);
          }
          const [rows, cols] = b.shape;
          const wb = new Matrix(rows, cols, await base.readFloats(b));
          const wt = new Matrix(rows, cols, await tuned.readFloats(t));
          assertFinite(wb, `${basePath}: tensor '${b.name}'`);
          assertFinite(wt, `${tunedPath}: tensor '${t.name}'`);
          const f = extractLora(wb, wt, rule);
          if (!f) continue;
          const mod = moduleName(b.name);
          tensors.push({ name: `${PEFT_PREFIX}${mod}.lora_A.weight`, dtype: 'F32', shape: [f.rank, cols], data: encodeFloats(f.A.data, 'F32') });
          tensors.push({ name: `${PEFT_PREFIX}${mod}.lora_B.weight`, dtype: 'F32', shape: [rows, f.rank], data: encodeFloats(f.B.data, 'F32') });
          let bn = 0;
          for (const x of wb.data) bn += x * x;
          modules.push({ module: mod, weight: b.name, shape: [rows, cols], rank: f.rank, relativeError: f.relativeError, relativeDelta: bn === 0 ? Infinity : f.deltaNorm / Math.sqrt(bn) });
        }
        if (modules.length === 0) throw new LowRankError('E_ARG', `${basePath} and ${tunedPath} share no changed 2-D float weights: nothing to extract`);
        const config = peftConfig(modules, basePath);
        const out = await AtomicOutput.create(flags.out, 'dir', { inputs: [basePath, tunedPath] });
        try {
          await out.writeFile('adapter_model.safetensors', serializeSafetensors(tensors, { format: 'pt' }));
          await out.writeFile('adapter_config.json', JSON.stringify(config, null, 2) + '\n');
          await out.commit();
        } catch (err) {
          await out.abort();
          throw err;
        }
        if (flags.json) {
          printJson({ base: basePath, tuned: tunedPath, out: flags.out, r: config.r, modules, config });
          return;
        }
        const w = Math.max(6, ...modules.map((m) => m.module.length));
        const lines = [`LoRA adapter from ${basePath} → ${tunedPath}: ${modules.length} modules, r = ${config.r}`, '', `${'module'.padEnd(w)}  ${'shape'.padEnd(14)}  rank  ${'‖ΔW‖/‖W‖'.padStart(10)}  ${'rel. error'.padStart(10)}`];
        for (const m of modules) {
          lines.push(`${m.module.padEnd(w)}  ${`[${m.shape.join(', ')}]`.padEnd(14)}  ${String(m.rank).padStart(4)}  ${m.relativeDelta.toExponential(3).padStart(10)}  ${m.relativeError.toExponential(3).padStart(10)}`);
        }
        lines.push('', `Wrote ${flags.out}/adapter_model.safetensors and adapter_config.json`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await base.close();
        await tuned.close();
      }
    });
}

/**
 * The `adapter_config.json` of PEFT for the extracted modules: `r` is the most common rank, and
 * modules of another rank are listed in `rank_pattern`; `lora_alpha` equals each module's rank
 * (scaling 1, the difference is applied as extracted) through `alpha_pattern`.
 */
export function peftConfig(modules: readonly LoraModuleReport[], base: string): {
  peft_type: 'LORA'; r: number; lora_alpha: number; target_modules: string[]; rank_pattern: Record<string, number>; alpha_pattern: Record<string, number>; [k: string]: unknown;
} {
  const counts = new Map<number, number>();
  for (const m of modules) counts.set(m.rank, (counts.get(m.rank) ?? 0) + 1);
  const r = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
  const rankPattern: Record<string, number> = {};
  const alphaPattern: Record<string, number> = {};
  for (const m of modules) {
    if (m.rank !== r) {
      rankPattern[m.module] = m.rank;
      alphaPattern[m.module] = m.rank;
    }
  }
  return {
    peft_type: 'LORA',
    task_type: null,
    base_model_name_or_path: base,
    r,
    lora_alpha: r,
    lora_dropout: 0,
    bias: 'none',
    fan_in_fan_out: false,
    use_rslora: false,
    init_lora_weights: true,
    target_modules: modules.map((m) => m.module),
    rank_pattern: rankPattern,
    alpha_pattern: alphaPattern,
    modules_to_save: null,
  };
}
