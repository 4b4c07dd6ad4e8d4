;; One Adam step (PyTorch's formulation, bias-corrected) over n float32 values, 4 lanes at a time:
;;   m = b1 m + c1 g;  v = b2 v + c2 g^2;  p -= stepSize m / (sqrt(v) / sqrtBc2 + eps)
;; with c1 = 1 - b1, c2 = 1 - b2 and the bias corrections folded into stepSize and sqrtBc2 by the
;; caller. Buffers are byte offsets into this module's memory, 16-byte aligned and padded to a
;; multiple of 4 values (padding holds g = 0, so it stays 0). Compiled by scripts/gen-simd.mjs.
;; No subnormals: |g| < 2^-55 counts as 0 and m, v below 2^-100 are flushed to 0. Subnormal float
;; arithmetic is ~10x slower on x86 and QAT produces such tiny gradients (a whole step took 10x
;; longer); updates of that size are far below float32 resolution of any weight anyway.
(module
  (memory (export "memory") 1)

  (func (export "adam") (param $p i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $step f32) (param $sqrtBc2 f32) (param $eps f32)
    (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128) (local $tinyG v128) (local $tinyMv v128)
    (local $vb1 v128) (local $vc1 v128) (local $vb2 v128) (local $vc2 v128) (local $vstep v128) (local $vbc v128) (local $veps v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $vstep (f32x4.splat (local.get $step)))
    (local.set $vbc (f32x4.splat (local.get $sqrtBc2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $tinyG (f32x4.splat (f32.const 0x1p-55)))
    (local.set $tinyMv (f32x4.splat (f32.const 0x1p-100)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; andnot keeps NaN gradients (a NaN is not < anything)
        (local.set $gv (v128.andnot (v128.load (local.get $g)) (f32x4.lt (f32x4.abs (v128.load (local.get $g))) (local.get $tinyG))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (local.get $m))) (f32x4.mul (local.get $vc1) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (local.get $v)))
                                  (f32x4.mul (local.get $vc2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (local.set $mv (v128.andnot (local.get $mv) (f32x4.lt (f32x4.abs (local.get $mv)) (local.get $tinyMv))))
        (local.set $vv (v128.andnot (local.get $vv) (f32x4.lt (local.get $vv) (local.get $tinyMv))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $p)
          (f32x4.sub (v128.load (local.get $p))
            (f32x4.div (f32x4.mul (local.get $vstep) (local.get $mv))
              (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vv)) (local.get $vbc)) (local.get $veps)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $l))))
)
