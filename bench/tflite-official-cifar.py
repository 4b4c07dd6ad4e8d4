"""A check outside the product: the official TFLite interpreter (TensorFlow's Python package, the
reference kernels and the default XNNPACK build; a Python with tensorflow installed) on an edgeqat .tflite over a CIFAR-format test
batch, compared with the predictions `edgeqat eval --predictions` wrote. Never a dependency.

  python3 bench/tflite-official-cifar.py <model.tflite> <run.json> <cifar-dir> <edgeqat-preds.json> [limit]

Prints one JSON line: accuracy of each interpreter and its agreement with edgeqat's predictions.
"""
import json
import sys

import numpy as np
import tensorflow as tf


def main() -> None:
    model, run_json, cifar, preds_path = sys.argv[1:5]
    limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
    info = json.load(open(run_json))
    mean = np.array(info["normalization"]["mean"], dtype=np.float32)
    std = np.array(info["normalization"]["std"], dtype=np.float32)
    raw = np.fromfile(f"{cifar}/test_batch.bin", dtype=np.uint8).reshape(-1, 3073)
    labels = raw[:, 0]
    # Planar R, G, B → channels last; normalised per channel as edgeqat does.
    images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    x = ((images.astype(np.float32) / np.float32(255)) - mean) / std
    ours = np.array(json.load(open(preds_path)))
    n = len(ours) if limit is None else min(limit, len(ours))
    out = {"samples": n}
    for name, resolver in [("reference", tf.lite.experimental.OpResolverType.BUILTIN_REF), ("default", tf.lite.experimental.OpResolverType.AUTO)]:
        interp = tf.lite.Interpreter(model_path=model, experimental_op_resolver_type=resolver)
        interp.allocate_tensors()
        inp = interp.get_input_details()[0]
        outp = interp.get_output_details()[0]
        preds = []
        for i in range(n):
            v = x[i : i + 1]
            if inp["dtype"] == np.int8:
                scale, zp = inp["quantization"]
                q = np.round(v / np.float32(scale)) + zp  # numpy rounds half to even; ties are rare
                v = np.clip(q, -128, 127).astype(np.int8)
            interp.set_tensor(inp["index"], v)
            interp.invoke()
            preds.append(int(np.argmax(interp.get_tensor(outp["index"])[0])))
        preds = np.array(preds)
        out[name] = {"accuracy": float((preds == labels[:n]).mean()), "agreement_with_edgeqat": float((preds == ours[:n]).mean())}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
