import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { DEFAULT_MAX_PIXELS, decodeImage, encodeImage, readImageFile } from '../io/image.js';
import { inputName, readStdin, STDIO_PATH } from './read-input.js';
import { checkOutputFile, writeFilesAtomic } from '../io/files.js';
import { svgToPng } from '../io/render.js';
import { chooseImageRanks, imageCompressionRatio, imageSvd, luma, reconstructImage, type ImageMode } from '../methods/image.js';
import { psnr, ssim, SSIM_WINDOW } from '../metrics/image-quality.js';
import { imageComparisonFigure } from '../viz/figures.js';
import { printJson } from './format.js';
import { choiceOption, intOption, numberOption, rejectInapplicableFlags } from './options.js';

interface ImageFlags {
  rank?: number;
  energy?: number;
  ratio?: number;
  mode: ImageMode;
  chromaRank?: number;
  out?: string;
  sideBySide: string | boolean;
  quality: number;
  maxPixels: number;
  force?: boolean;
  json?: boolean;
}

/**
 * Registers `lowrank image INPUT (--rank K | --energy E | --ratio R)`: compresses a PNG or
 * JPEG by a truncated SVD per channel, writes the reconstruction and a side-by-side figure,
 * and prints the compression ratio, PSNR and SSIM.
 */
export function registerImage(program: Command): void {
  program
    .command('image')
    .description(
      'compress a PNG/JPEG image by a low-rank approximation (truncated SVD) of each channel; writes the reconstruction and a side-by-side figure, prints compression ratio, PSNR and SSIM',
    )
    .argument('<input>', 'image file (.png, .jpg, .jpeg; 8- or 16-bit; alpha is kept unchanged in PNG output, dropped in JPEG; - reads stdin)')
    .option('--rank <k>', 'rank of every channel (ycbcr: of the luma; chroma at --chroma-rank)', intOption('--rank', 1))
    .option('--energy <e>', 'instead of --rank: per channel, the smallest rank keeping this share (0, 1] of Σσ²', numberOption('--energy'))
    .option('--ratio <r>', 'instead of --rank: the largest rank whose compression ratio is at least r', numberOption('--ratio'))
    .option('--mode <mode>', 'gray (luma only), rgb (each of R, G, B) or ycbcr (luma at k, chroma lower)', choiceOption('--mode', ['gray', 'rgb', 'ycbcr'] as const), 'rgb')
    .option('--chroma-rank <c>', 'ycbcr: rank of Cb and Cr (default ⌈k/2⌉)', intOption('--chroma-rank', 1))
    .option('--out <file>', 'reconstructed image, .png or .jpg (default: <input name>.lowrank.png)')
    .option('--side-by-side <file>', 'side-by-side figure (default: <out name>.side-by-side.png)')
    .option('--no-side-by-side', 'skip the side-by-side figure')
    .option('--quality <q>', 'JPEG quality of a .jpg --out, 1–100', intOption('--quality', 1), 95)
    .option('--max-pixels <n>', `refuse images with more pixels than this, before decoding (default ${DEFAULT_MAX_PIXELS}: 100 megapixels)`, intOption('--max-pixels', 1), DEFAULT_MAX_PIXELS)
    .option('--json', 'print one JSON object')
    .option('--force', 'allow the outputs to replace the input image')
    .action(async (input: string, flags: ImageFlags, cmd: Command) => {
      rejectInapplicableFlags(cmd, [
        { flags: ['chromaRank'], applies: flags.mode === 'ycbcr', context: '--mode ycbcr' },
        { flags: ['quality'], applies: flags.out !== undefined && /\.jpe?g$/i.test(flags.out), context: 'a .jpg --out' },
      ]);
      await runImage(input, flags);
    });
}

function outputFormat(path: string): 'png' | 'jpeg' {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  throw new LowRankError('E_ARG', `--out must end in .png, .jpg or .jpeg, got '${path}'`);
}

async function runImage(input: string, f: ImageFlags): Promise<void> {
  // Cheap checks first, before the image is read.
  const given = (['rank', 'energy', 'ratio'] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1) {
    throw new LowRankError('E_ARG', given.length === 0 ? 'give one of --rank, --energy or --ratio' : `give only one of --rank, --energy or --ratio (got ${given.map((g) => `--${g}`).join(' and ')})`);
  }
  if (f.energy !== undefined && !(f.energy > 0 && f.energy <= 1)) throw new LowRankError('E_ARG', `--energy must be in (0, 1], got ${f.energy}`);
  if (f.ratio !== undefined && !(f.ratio > 0)) throw new LowRankError('E_ARG', `--ratio must be > 0, got ${f.ratio}`);
  if (f.quality > 100) throw new LowRankError('E_ARG', `--quality must be an integer in [1, 100], got ${f.quality}`);
  const out = f.out ?? join('.', `${input === STDIO_PATH ? 'stdin' : basename(input, extname(input))}.lowrank.png`);
  const format = outputFormat(out);
  const sideBySide = f.sideBySide === false ? null : typeof f.sideBySide === 'string' ? f.sideBySide : join(dirname(out), `${basename(out, extname(out))}.side-by-side.png`);
  if (sideBySide !== null && extname(sideBySide).toLowerCase() !== '.png') {
    throw new LowRankError('E_ARG', `--side-by-side must end in .png, got '${sideBySide}'`);
  }
  // Before the image is read: the outputs can be written and neither replaces the input (unless --force).
  const writeOptions = { inputs: input === STDIO_PATH ? [] : [input], force: f.force, createParents: true };
  await checkOutputFile(out, { ...writeOptions, what: '--out' });
  if (sideBySide !== null) await checkOutputFile(sideBySide, { ...writeOptions, what: '--side-by-side' });

  const img = input === STDIO_PATH ? await decodeImage(await readStdin(), inputName(input), { maxPixels: f.maxPixels }) : await readImageFile(input, { maxPixels: f.maxPixels });
  input = inputName(input);
  const t0 = performance.now();
  const rule = { rank: f.rank, energy: f.energy, ratio: f.ratio, chromaRank: f.chromaRank };
  const decomposition = imageSvd(img.channels, f.mode, { rule });
  const ranks = chooseImageRanks(decomposition, rule);
  const rec = reconstructImage(decomposition, ranks);
  const ms = performance.now() - t0;

  // Metrics on the float reconstruction (clipped, not rounded) against what was approximated.
  const reference = rec.length === 1 ? [luma(img.channels)] : img.channels;
  const quality = psnr(reference, rec);
  const canSsim = img.width >= SSIM_WINDOW && img.height >= SSIM_WINDOW;
  const similarity = canSsim ? ssim(luma(reference), luma(rec)) : null;
  const ratio = imageCompressionRatio(img.height, img.width, ranks);
  const kept = decomposition.svds.map((d, c) => {
    const total = decomposition.totals[c];
    let acc = 0;
    for (let i = 0; i < ranks[c]; i++) acc += d.S[i] * d.S[i];
    return total > 0 ? Math.min(1, acc / total) : 1;
  });

  const alphaKept = img.alpha !== null && format === 'png';
  const files = [{ path: out, bytes: await encodeImage({ channels: rec, alpha: alphaKept ? img.alpha : null }, { format, quality: f.quality }) }];
  const rankText = decomposition.names.map((n, c) => `${n} ${ranks[c]}`).join(', ');
  if (sideBySide !== null) {
    const svg = imageComparisonFigure([
      { title: `Original ${img.width}×${img.height}`, subtitle: `${basename(input)}${img.bitDepth === 16 ? ', 16-bit' : ''}`, channels: img.channels, alpha: img.alpha },
      {
        title: `Rank ${decomposition.mode === 'rgb' || decomposition.mode === 'gray' ? ranks[0] : rankText} (${decomposition.mode})`,
        subtitle: `ratio ${ratio.toFixed(2)} · PSNR ${quality.toFixed(2)} dB${similarity !== null ? ` · SSIM ${similarity.toFixed(4)}` : ''}`,
        channels: rec,
        alpha: img.alpha,
      },
    ]);
    files.push({ path: sideBySide, bytes: await svgToPng(svg) });
  }
  await writeFilesAtomic(files, writeOptions);

  if (f.json) {
    printJson({
      input,
      width: img.width,
      height: img.height,
      format: img.format,
      bitDepth: img.bitDepth,
      channels: img.channels.length,
      alpha: img.alpha === null ? 'none' : alphaKept ? 'kept' : 'dropped',
      mode: decomposition.mode,
      channelNames: decomposition.names,
      ranks,
      energyKept: kept,
      svd: decomposition.method,
      compressionRatio: ratio,
      psnr: quality,
      ssim: similarity,
      ms,
      files: files.map((x) => x.path),
    });
    return;
  }
  const alphaText = img.alpha === null ? '' : alphaKept ? ', alpha kept unchanged' : ', alpha dropped (JPEG)';
  const lines = [
    `Input: ${input} ${img.width}×${img.height} ${img.format.toUpperCase()}, ${img.channels.length === 1 ? 'grey' : 'RGB'}, ${img.bitDepth}-bit${alphaText}`,
    `Mode: ${decomposition.mode}, ranks ${rankText} (energy kept ${kept.map((e) => `${(e * 100).toFixed(2)}%`).join(', ')}), ${decomposition.method === 'exact' ? 'exact SVD' : 'randomized SVD'}, ${ms.toFixed(0)} ms`,
    `Compression Ratio: ${ratio.toFixed(2)}`,
    `PSNR: ${quality.toFixed(2)} dB`,
    `SSIM: ${similarity === null ? `n/a (image smaller than ${SSIM_WINDOW}×${SSIM_WINDOW})` : `${similarity.toFixed(4)} (luma)`}`,
    `Wrote ${files.map((x) => x.path).join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
