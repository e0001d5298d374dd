#!/usr/bin/env node
/**
 * The public API report: every export of every package entry (package.json `exports`) with its
 * signature, generated from the sources with the TypeScript compiler API into
 * `api/lowrank.api.md`. A change to the public surface shows up as a diff of that file, and
 * test/api/api-report.test.ts fails until the report is regenerated — so every change is deliberate.
 *
 *   npm run api            # regenerate api/lowrank.api.md
 *   npm run api -- --check # exit 1 (with a diff summary) when the committed report is stale
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPORT_PATH = join(ROOT, 'api', 'lowrank.api.md');

/** The package entries: subpath → source file, read from package.json `exports` (types → src/*.ts). */
export function packageEntries() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return Object.entries(pkg.exports).map(([subpath, target]) => {
    const types = typeof target === 'string' ? target : target.types;
    const src = types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    return { name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, file: join(ROOT, src) };
  });
}

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType | ts.TypeFormatFlags.WriteArrowStyleSignature;

/** One line (or a few) per export: its kind and signature. */
function describe(checker, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const name = symbol.getName();
  const decl = target.declarations?.[0];
  const fmt = (t) => checker.typeToString(t, decl, FLAGS).replace(/import\("[^"]*"\)\./g, '');
  const out = [];
  if (target.flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(target, decl);
    for (const sig of type.getCallSignatures()) out.push(`function ${name}${checker.signatureToString(sig, decl, FLAGS).replace(/import\("[^"]*"\)\./g, '')}`);
  } else if (target.flags & ts.SymbolFlags.Class) {
    out.push(`class ${name}`);
    const instance = checker.getDeclaredTypeOfSymbol(target);
    const statics = checker.getTypeOfSymbolAtLocation(target, decl);
    for (const sig of statics.getConstructSignatures()) out.push(`  constructor${checker.signatureToString(sig, decl, FLAGS).replace(/import\("[^"]*"\)\./g, '').replace(/ => \w+$/, '')}`);
    const members = (type, prefix) => {
      for (const p of type.getProperties().sort((a, b) => a.getName().localeCompare(b.getName()))) {
        const pd = p.declarations?.[0];
        if (!pd || p.getName().startsWith('#') || p.getName() === 'prototype') continue;
        const mods = ts.getCombinedModifierFlags(pd);
        if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
        const pt = checker.getTypeOfSymbolAtLocation(p, pd);
        const sigs = pt.getCallSignatures();
        if (sigs.length > 0 && (ts.isMethodDeclaration(pd) || ts.isMethodSignature(pd))) {
          for (const s of sigs) out.push(`  ${prefix}${p.getName()}${checker.signatureToString(s, pd, FLAGS).replace(/import\("[^"]*"\)\./g, '')}`);
        } else {
          const ro = mods & ts.ModifierFlags.Readonly || ts.isGetAccessor(pd) ? 'readonly ' : '';
          out.push(`  ${prefix}${ro}${p.getName()}: ${fmt(pt)}`);
        }
      }
    };
    members(statics, 'static ');
    members(instance, '');
  } else if (target.flags & ts.SymbolFlags.Interface) {
    const type = checker.getDeclaredTypeOfSymbol(target);
    const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
    const bases = (type.getBaseTypes?.() ?? []).map(fmt);
    out.push(`interface ${name}${params}${bases.length ? ` extends ${bases.join(', ')}` : ''}`);
    for (const p of checker.getPropertiesOfType(type).sort((a, b) => a.getName().localeCompare(b.getName()))) {
      const pd = p.declarations?.[0];
      const opt = p.flags & ts.SymbolFlags.Optional ? '?' : '';
      const ro = pd && ts.getCombinedModifierFlags(pd) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
      out.push(`  ${ro}${p.getName()}${opt}: ${fmt(checker.getTypeOfSymbolAtLocation(p, pd ?? decl))}`);
    }
  } else if (target.flags & ts.SymbolFlags.TypeAlias) {
    const text = ts.isTypeAliasDeclaration(decl) ? decl.type.getText().replace(/\s+/g, ' ') : fmt(checker.getDeclaredTypeOfSymbol(target));
    const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
    out.push(`type ${name}${params} = ${text}`);
  } else if (target.flags & ts.SymbolFlags.Variable) {
    const isConst = decl && ts.isVariableDeclaration(decl) && decl.parent.flags & ts.NodeFlags.Const;
    out.push(`${isConst ? 'const' : 'let'} ${name}: ${fmt(checker.getTypeOfSymbolAtLocation(target, decl))}`);
  } else {
    out.push(`${name}: (unclassified export)`);
  }
  return out;
}

/** The report's text. */
export function buildApiReport() {
  const entries = packageEntries();
  const program = ts.createProgram(entries.map((e) => e.file), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const lines = [
    '# lowrank public API',
    '',
    '<!-- Generated by scripts/api-report.mjs (npm run api) from package.json `exports`; do not edit. -->',
    '<!-- test/api/api-report.test.ts fails when this file differs from the sources: regenerate it deliberately. -->',
    '',
  ];
  const summary = [];
  for (const entry of entries) {
    const sf = program.getSourceFile(entry.file);
    if (!sf) throw new Error(`${entry.file} is not part of the program`);
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).sort((a, b) => a.getName().localeCompare(b.getName()));
    let values = 0;
    let types = 0;
    const body = [];
    for (const symbol of exports) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (target.flags & ts.SymbolFlags.Value) values++;
      else types++;
      body.push(...describe(checker, symbol));
    }
    summary.push(`| \`${entry.name}\` | ${values} | ${types} |`);
    lines.push(`## \`${entry.name}\``, '', '```ts', ...body, '```', '');
  }
  lines.splice(5, 0, '| entry | values | types |', '|---|---|---|', ...summary, '');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildApiReport();
  if (process.argv.includes('--check')) {
    let old = '';
    try {
      old = readFileSync(REPORT_PATH, 'utf8');
    } catch {
      // missing: stale
    }
    if (old !== text) {
      const a = new Set(old.split('\n'));
      const b = new Set(text.split('\n'));
      for (const l of old.split('\n')) if (!b.has(l)) console.error(`- ${l}`);
      for (const l of text.split('\n')) if (!a.has(l)) console.error(`+ ${l}`);
      console.error('api/lowrank.api.md is stale: run npm run api and commit the change if it is deliberate');
      process.exit(1);
    }
    console.log('api/lowrank.api.md is up to date');
  } else {
    mkdirSync(dirname(REPORT_PATH), { recursive: true });
    writeFileSync(REPORT_PATH, text);
    console.log(`wrote ${REPORT_PATH}`);
  }
}
