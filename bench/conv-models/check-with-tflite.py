#!/usr/bin/env python3
"""Runs the models bench/conv-models/run.ts wrote under the official TFLite interpreter.

A yardstick, never a dependency (a Python with tensorflow-cpu 2.21, see docs/int8-semantics.md §8):
  npx tsx bench/conv-models/run.ts --out runs/conv-models
  python3 bench/conv-models/check-with-tflite.py runs/conv-models

For each model in <folder>/manifest.json it feeds the same test inputs (float32, the model's own
input) to tf.lite.Interpreter with the default resolver (XNNPACK) and with BUILTIN_REF (reference
kernels), takes the argmax per sample (classifier) or per pixel (segmentation), and reports the
share that equals edgeqat's fake-quant predictions and the accuracy against the labels.
"""
import json
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

RESOLVERS = {
    "default (XNNPACK)": tf.lite.experimental.OpResolverType.AUTO,
    "BUILTIN_REF": tf.lite.experimental.OpResolverType.BUILTIN_REF,
}


def predictions(model_path, inputs, resolver):
    it = tf.lite.Interpreter(model_path=model_path, experimental_op_resolver_type=resolver)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    out = []
    for x in inputs:
        it.set_tensor(i["index"], x.reshape(i["shape"]).astype(i["dtype"]))
        it.invoke()
        out.append(np.argmax(it.get_tensor(o["index"])[0], axis=-1).reshape(-1))
    return np.stack(out)


def main():
    folder = sys.argv[1]
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    for m in manifest["models"]:
        p = lambda name: os.path.join(folder, name)
        n = m["samples"]
        inputs = np.fromfile(p(m["inputs"]), dtype=np.float32).reshape([n] + m["inputShape"])
        fake_quant = np.fromfile(p(m["fakeQuantPredictions"]), dtype=np.uint8).reshape(n, -1)
        labels = np.fromfile(p(m["labels"]), dtype=np.uint8).reshape(n, -1)
        for name, resolver in RESOLVERS.items():
            pred = predictions(p(m["tflite"]), inputs, resolver)
            agree = float((pred == fake_quant).mean())
            acc = float((pred == labels).mean())
            line = f"{m['name']:10} {name:18} agreement with fake-quant {agree * 100:.3f} % ({pred.size} predictions), accuracy {acc * 100:.2f} %"
            if labels.shape[1] > 1:
                fg = labels != 0
                line += f", foreground pixels {float((pred[fg] == labels[fg]).mean()) * 100:.2f} %"
            print(line)


if __name__ == "__main__":
    main()
