"""Runs the conformance cases written by dump-cases.ts under TFLite's reference kernels.

Usage (python3: a Python with tensorflow-cpu 2.21, see docs/int8-semantics.md §8; a yardstick, never a dependency):
  npx tsx test/conformance/dump-cases.ts /tmp/conformance
  python3 test/conformance/check-builtin-ref.py /tmp/conformance [--write-golden]

For every case it runs tf.lite.Interpreter(experimental_op_resolver_type=BUILTIN_REF) invocation by
invocation and compares the outputs with the reference engine's and tfjs-tflite's (count of
differing values, largest difference). --write-golden writes test/conformance/builtin-ref.json:
case key (SHA-256 of model + input) -> SHA-256 of the BUILTIN_REF output bytes.
"""
import hashlib
import json
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402


def run_ref(model, inputs, in_dtype):
    it = tf.lite.Interpreter(model_content=model, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    per = int(np.prod(i["shape"]))
    x = np.frombuffer(inputs, dtype=in_dtype)
    outs = []
    for start in range(0, len(x), per):
        it.set_tensor(i["index"], x[start:start + per].reshape(i["shape"]))
        it.invoke()
        outs.append(it.get_tensor(o["index"]).copy().reshape(-1))
    return np.concatenate(outs)


def compare(a, b):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    d = np.abs(a64 - b64)
    return int((d != 0).sum()), float(d.max()) if d.size else 0.0


def main():
    folder = sys.argv[1]
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    golden = {}
    bad = 0
    for c in manifest:
        p = lambda suffix: os.path.join(folder, f"{c['id']}.{suffix}")
        model = open(p("tflite"), "rb").read()
        inputs = open(p("input.bin"), "rb").read()
        out_dtype = np.float32 if c["outputDtype"] == "float32" else np.int8
        in_dtype = np.float32 if c["inputDtype"] == "float32" else np.int8
        key = hashlib.sha256(model + inputs).hexdigest()
        assert key == c["key"], f"case key mismatch for {c['name']}"
        try:
            ref = run_ref(model, inputs, in_dtype).astype(out_dtype)
        except Exception as e:  # noqa: BLE001
            print(f"{c['op']:18} {c['name'][:48]:48} BUILTIN_REF error: {str(e).splitlines()[0]}")
            bad += 1
            continue
        ours = np.frombuffer(open(p("reference.bin"), "rb").read(), dtype=out_dtype)
        n_ours, max_ours = compare(ours, ref)
        line = f"{c['op']:18} {c['name'][:48]:48} n={ref.size:5} reference: {n_ours} differ (max {max_ours:g})"
        if n_ours:
            bad += 1
        if os.path.exists(p("tfjs-tflite.bin")):
            tfjs = np.frombuffer(open(p("tfjs-tflite.bin"), "rb").read(), dtype=out_dtype)
            n_t, max_t = compare(tfjs, ref)
            line += f" | tfjs-tflite: {n_t} differ (max {max_t:g})"
        else:
            line += f" | tfjs-tflite: cannot load ({c['tfjsError']})"
        print(line)
        golden[key] = {"op": c["op"], "name": c["name"], "output": hashlib.sha256(ref.tobytes()).hexdigest()}
    print(f"{len(manifest)} cases, {bad} where the reference engine differs from BUILTIN_REF")
    if "--write-golden" in sys.argv:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin-ref.json")
        with open(path, "w") as f:
            json.dump(golden, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
