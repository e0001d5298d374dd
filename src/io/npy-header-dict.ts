/**
 * The header of a `.npy` file: a tiny parser of the Python dict literal it holds
 * (`{'descr': …, 'fortran_order': …, 'shape': …}`) that never evaluates anything, and the
 * Python-style `repr` used to quote header values in error messages. Browser-safe.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';


export type PyValue =
  | { k: 'str'; v: string }
  | { k: 'int'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'tuple' | 'list'; v: PyValue[] }
  | { k: 'dict'; v: Map<string, PyValue> };

export interface Header {
  descr: PyValue;
  descrAt: number;
  fortranOrder: boolean;
  shape: number[];
}

export function parseHeaderDict(text: string, source: string, byteAt: (i: number) => number): Header {
  const p = new PyParser(text, source, byteAt);
  p.ws();
  const dictAt = p.pos;
  if (text[p.pos] !== '{') p.fail(`expected '{' starting the header dict`);
  const valueAt = new Map<string, number>();
  const dict = p.dict(valueAt);
  p.ws();
  if (p.pos < text.length) p.fail('unexpected text after the header dict');
  const keys = ['descr', 'fortran_order', 'shape'];
  for (const key of keys) {
    if (!dict.has(key)) p.fail(`the header dict lacks '${key}'`, dictAt);
  }
  for (const key of dict.keys()) {
    if (!keys.includes(key)) p.fail(`unexpected key ${reprStr(key)} in the header dict`, dictAt);
  }
  const fo = dict.get('fortran_order')!;
  if (fo.k !== 'bool') p.fail(`'fortran_order' must be True or False, got ${truncate(reprPy(fo), 40)}`, valueAt.get('fortran_order'));
  const sh = dict.get('shape')!;
  const shapeAt = valueAt.get('shape');
  if (sh.k !== 'tuple') p.fail(`'shape' must be a tuple of non-negative integers, got ${truncate(reprPy(sh), 40)}`, shapeAt);
  const shape: number[] = [];
  for (const d of (sh as { v: PyValue[] }).v) {
    if (d.k !== 'int' || d.v < 0) p.fail(`'shape' must be a tuple of non-negative integers, got ${truncate(reprPy(sh), 40)}`, shapeAt);
    shape.push((d as { v: number }).v);
  }
  return { descr: dict.get('descr')!, descrAt: valueAt.get('descr')!, fortranOrder: (fo as { v: boolean }).v, shape };
}

class PyParser {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly byteAt: (i: number) => number,
  ) {}

  fail(what: string, at = this.pos): never {
    throw new LowRankError('E_FORMAT', `${this.source}: malformed .npy header at byte ${this.byteAt(at)}: ${what}`);
  }

  ws(): void {
    while (this.pos < this.text.length && /[ \t\r\n\f\v]/.test(this.text[this.pos])) this.pos++;
  }

  value(depth: number): PyValue {
    if (depth > 32) this.fail('nested too deeply');
    this.ws();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of the header');
    if (c === "'" || c === '"') return { k: 'str', v: this.str() };
    if (c === '(') return { k: 'tuple', v: this.seq(')', depth) };
    if (c === '[') return { k: 'list', v: this.seq(']', depth) };
    if (c === '{') return { k: 'dict', v: this.dict(undefined, depth) };
    const word = /^(?:[+-]?\d+L?|True|False|None)/.exec(this.text.slice(this.pos, this.pos + 40));
    if (!word) this.fail(`unexpected ${reprStr(c)}`);
    const w = word![0];
    const start = this.pos;
    this.pos += w.length;
    if (/^[A-Za-z0-9_]/.test(this.text[this.pos] ?? '')) this.fail(`unexpected name or number`, start);
    if (w === 'True' || w === 'False') return { k: 'bool', v: w === 'True' };
    if (w === 'None') return { k: 'none' };
    const v = Number(w.replace(/L$/, ''));
    if (!Number.isSafeInteger(v)) this.fail(`integer ${w} is too large`, start);
    return { k: 'int', v };
  }

  str(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string', this.pos - 1);
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        if (e === undefined) this.fail('unterminated string', this.pos - 1);
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
      } else {
        out += c;
      }
    }
  }

  seq(close: string, depth: number): PyValue[] {
    this.pos++; // opening bracket
    const items: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c === undefined) this.fail(`unexpected end of the header, expected '${close}'`);
      else if (c !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  dict(valueAt?: Map<string, number>, depth = 0): Map<string, PyValue> {
    this.pos++; // '{'
    const out = new Map<string, PyValue>();
    for (;;) {
      this.ws();
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unexpected end of the header inside the dict');
      if (c === '}') {
        this.pos++;
        return out;
      }
      if (c !== "'" && c !== '"') this.fail(`expected a quoted key or '}'`);
      const keyAt = this.pos;
      const key = this.str();
      if (out.has(key)) this.fail(`duplicate key ${reprStr(key)}`, keyAt);
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after key ${reprStr(key)}`);
      this.pos++;
      this.ws();
      valueAt?.set(key, this.pos);
      out.set(key, this.value(depth + 1));
      this.ws();
      const d = this.text[this.pos];
      if (d === ',') this.pos++;
      else if (d === undefined) this.fail('unexpected end of the header inside the dict');
      else if (d !== '}') this.fail(`expected ',' or '}'`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers (one-line, printable messages)

/** numpy's repr of a shape tuple: `()`, `(5,)`, `(3, 4)`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

export function reprStr(s: string): string {
  const body = s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${truncate(body, 40)}'`;
}

export function reprBytes(b: Uint8Array): string {
  let s = "b'";
  for (const x of b) s += x >= 0x20 && x < 0x7f && x !== 0x27 && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
  return `${s}'`;
}

export function reprPy(v: PyValue): string {
  switch (v.k) {
    case 'str':
      return reprStr(v.v);
    case 'int':
      return String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.v.length === 1 ? `(${reprPy(v.v[0])},)` : `(${v.v.map(reprPy).join(', ')})`;
    case 'list':
      return `[${v.v.map(reprPy).join(', ')}]`;
    case 'dict':
      return `{${[...v.v].map(([k, x]) => `${reprStr(k)}: ${reprPy(x)}`).join(', ')}}`;
  }
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
