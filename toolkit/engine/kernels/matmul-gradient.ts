// A BatchMatMul gradient that multiplies by explicitly transposed operands. TF.js's registered
// gradient uses transposed matmuls (transposeA/transposeB), which the wasm backend runs 5-10x
// slower than Transpose + plain matmul (a 784x100 dW at batch 10: 1.6 ms vs 0.23 ms). The values
// are the same products; only the kernels differ. Installed by initBackend for the wasm backend,
// so float training (`--float-only`, users' models) gets the speed-up too.
import * as tf from '@tensorflow/tfjs-core';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Transposes the last two axes. */
function t(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.transpose(x, perm);
}

let installed = false;

export function installFastMatMulGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const g = dy as tf.Tensor;
      const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
      // y = op(a) @ op(b): da = dy @ op(b)^T (mapped back through op), db likewise.
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, t(b)), b: () => tf.matMul(t(a), g) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b), b: () => tf.matMul(t(g), a) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, t(g)), b: () => tf.matMul(a, g) };
      return { a: () => tf.matMul(t(b), t(g)), b: () => tf.matMul(t(g), t(a)) };
    },
  });
}
