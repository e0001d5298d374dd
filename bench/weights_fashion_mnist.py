#!/usr/bin/python3
"""Compressing a real network's weights with `lowrank weights`: test accuracy against the share of
parameters kept, for uniform, global and activation-aware rank allocation.

1. Trains the 784-1024-512-10 ReLU MLP of issue 13 on Fashion-MNIST (Debian's
   dataset-fashion-mnist, /usr/share/datasets/fashion-mnist/*.gz) with Debian's python3-torch on
   the CPU (a few epochs of Adam; deterministic seed).
2. Saves its weights as model.safetensors (written here by hand: the format is an 8-byte length,
   a JSON header and the raw little-endian data) and, for activation-aware compression,
   calibration.safetensors holding each Linear layer's inputs on 2048 training images
   (samples × in-features, under the weight's name).
3. Runs the lowrank CLI for --params 0.5 / 0.3 / 0.1 / 0.05 with --allocation uniform, global, and
   global with --calibration (activation-aware), writing dense drop-in files, and measures the
   test accuracy of each compressed model with torch.

Usage (from the repository root):  /usr/bin/python3 bench/weights_fashion_mnist.py [--epochs 4] [--workdir DIR [--reuse]]
The CLI runs from dist/ when it is built (npm run build), else from the TypeScript sources
through tsx. Goals (issue 13): global at 30% loses <= 0.5 points; activation-aware at 10% loses
<= 1 point.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

DATA = '/usr/share/datasets/fashion-mnist'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRACTIONS = [0.5, 0.3, 0.1, 0.05]
MODES = ['uniform', 'global', 'activation-aware']


def load_idx(name):
    with gzip.open(os.path.join(DATA, name), 'rb') as f:
        data = f.read()
    magic, n = struct.unpack('>II', data[:8])
    if magic == 2051:
        rows, cols = struct.unpack('>II', data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows * cols).astype(np.float32) / 255.0
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr, dtype='<f4')
        header[name] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + arr.nbytes]}
        blobs.append(arr.tobytes())
        offset += arr.nbytes
    js = json.dumps(header).encode()
    js += b' ' * (-len(js) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        assert info['dtype'] == 'F32', info['dtype']
        b, e = info['data_offsets']
        out[name] = np.frombuffer(data, '<f4', count=(e - b) // 4, offset=8 + n + b).reshape(info['shape'])
    return out


def make_model():
    return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 10))


NAMES = ['fc1', 'fc2', 'fc3']


def state(model):
    lin = [m for m in model if isinstance(m, nn.Linear)]
    out = {}
    for name, m in zip(NAMES, lin):
        out[f'{name}.weight'] = m.weight.detach().numpy()
        out[f'{name}.bias'] = m.bias.detach().numpy()
    return out


def load_state(model, tensors):
    lin = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for name, m in zip(NAMES, lin):
            m.weight.copy_(torch.from_numpy(np.array(tensors[f'{name}.weight'])))
            m.bias.copy_(torch.from_numpy(np.array(tensors[f'{name}.bias'])))


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean() * 100)


def cli():
    dist = os.path.join(ROOT, 'dist', 'cli', 'main.js')
    if os.path.exists(dist) and os.environ.get('LOWRANK_FROM_SOURCE') != '1':
        return ['node', dist]
    return ['node', '--import', 'tsx', os.path.join(ROOT, 'src', 'cli', 'main.ts')]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--calibration-samples', type=int, default=2048)
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (the machine is shared)')
    ap.add_argument('--workdir', default=None)
    ap.add_argument('--json', default=None, help='also write the results to this JSON file')
    ap.add_argument('--reuse', action='store_true', help='reuse model.safetensors and calibration.safetensors of --workdir (no training)')
    args = ap.parse_args()
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(args.threads)
    xtr, ytr = load_idx('train-images-idx3-ubyte.gz'), load_idx('train-labels-idx1-ubyte.gz')
    xte, yte = load_idx('t10k-images-idx3-ubyte.gz'), load_idx('t10k-labels-idx1-ubyte.gz')
    work = args.workdir or tempfile.mkdtemp(prefix='lowrank-weights-bench-')
    os.makedirs(work, exist_ok=True)
    model_path = os.path.join(work, 'model.safetensors')
    calib_path = os.path.join(work, 'calibration.safetensors')
    model = make_model()
    if args.reuse:
        load_state(model, load_safetensors(model_path))
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        t0 = time.time()
        xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
        for epoch in range(args.epochs):
            perm = torch.randperm(len(xt))
            for i in range(0, len(xt), 128):
                idx = perm[i:i + 128]
                opt.zero_grad()
                loss = loss_fn(model(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
            print(f'epoch {epoch + 1}: test accuracy {accuracy(model, xte, yte):.2f}%', file=sys.stderr)
        print(f'trained in {time.time() - t0:.0f} s', file=sys.stderr)
        save_safetensors(model_path, state(model))
        # Each Linear layer's inputs on a sample of training images: what the layer sees.
        sample = torch.from_numpy(xtr[np.random.choice(len(xtr), args.calibration_samples, replace=False)])
        with torch.no_grad():
            h1 = torch.relu(model[0](sample))
            h2 = torch.relu(model[2](h1))
        save_safetensors(calib_path, {'fc1.weight': sample.numpy(), 'fc2.weight': h1.numpy(), 'fc3.weight': h2.numpy()})
    base_acc = accuracy(model, xte, yte)

    results = []
    print(f'\nbaseline test accuracy {base_acc:.2f}% ({sum(v.size for v in state(model).values())} parameters)')
    print(f"{'params kept':>11}  {'allocation':<17}  {'ranks fc1/fc2/fc3':<18}  {'accuracy':>8}  {'loss':>7}  {'time':>6}")
    for frac in FRACTIONS:
        for mode in MODES:
            out = os.path.join(work, f'model-{mode}-{frac}.safetensors')
            cmd = cli() + ['weights', model_path, '--params', str(frac), '--out', out, '--json',
                           '--allocation', 'uniform' if mode == 'uniform' else 'global']
            if mode == 'activation-aware':
                cmd += ['--calibration', calib_path]
            t1 = time.time()
            r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            secs = time.time() - t1
            if r.returncode != 0:
                sys.exit(f'lowrank failed ({r.returncode}): {r.stderr}')
            rep = json.loads(r.stdout)
            ranks = {t['name']: t['rank'] for t in rep['tensors'] if t['compressed']}
            m2 = make_model()
            load_state(m2, load_safetensors(out))
            acc = accuracy(m2, xte, yte)
            kept = rep['totals']['selectedAfter'] / rep['totals']['selectedBefore']
            rank_txt = '/'.join(str(ranks.get(f'{n}.weight', 'dense')) for n in NAMES)
            print(f'{frac:>11}  {mode:<17}  {rank_txt:<18}  {acc:>7.2f}%  {base_acc - acc:>+6.2f}  {secs:>5.1f}s', flush=True)
            results.append({'fraction': frac, 'allocation': mode, 'kept': kept, 'ranks': ranks, 'accuracy': acc,
                            'loss_points': base_acc - acc, 'seconds': secs})
    g30 = next(x for x in results if x['fraction'] == 0.3 and x['allocation'] == 'global')
    a10 = next(x for x in results if x['fraction'] == 0.1 and x['allocation'] == 'activation-aware')
    print(f"\ngoal: global at 30% loses <= 0.5 points: {g30['loss_points']:+.2f} -> {'met' if g30['loss_points'] <= 0.5 else 'NOT met'}")
    print(f"goal: activation-aware at 10% loses <= 1 point: {a10['loss_points']:+.2f} -> {'met' if a10['loss_points'] <= 1 else 'NOT met'}")
    print('(times are wall-clock on a shared machine: noisy)')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'baseline_accuracy': base_acc, 'epochs': args.epochs, 'results': results}, f, indent=2)


if __name__ == '__main__':
    main()
