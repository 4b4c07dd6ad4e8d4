;; The per-element passes of the batch-norm fold kernels (../batch-norm-fold-kernels.ts) in
;; WebAssembly SIMD, in place on the tensors: the module imports the wasm backend's memory, and
;; every pointer is a byte offset into it. Activations are NHWC with C channels innermost and C a
;; multiple of 4, so one vector is 4 channels of one pixel. Per-channel sums are float64 (two f64x2
;; per vector), added pixel after pixel in the same order as the JS loops, so every result equals
;; the JS kernels' bit for bit. Everything is written out inline: V8 does not inline wasm calls, and
;; a call per vector spilled the vectors (3-5x slower) (test/batch-norm-fold-kernels.test.ts); elementwise results are float32
;; steps, which the JS loops spell with Math.fround. Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  ;; out[c] = Σ_p z[p, c]  (float64, out has 8·C bytes)
  (func (export "channel_sum") (param $z i32) (param $pixels i32) (param $c i32) (param $out i32)
    (local $end i32) (local $row i32) (local $co i32) (local $a i32) (local $v v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $c) (i32.const 3)))
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $pixels) (local.get $row))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $v (v128.load (local.get $z)))
          (local.set $a (i32.add (local.get $out) (i32.shl (local.get $co) (i32.const 1))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
          (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
          (local.set $z (i32.add (local.get $z) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $pixel))))

  ;; out[c] = Σ_p (z[p, c] − mean[c])²  (float64; mean is float32)
  (func (export "channel_sq_dev") (param $z i32) (param $pixels i32) (param $c i32) (param $mean i32) (param $out i32)
    (local $end i32) (local $row i32) (local $co i32) (local $a i32) (local $v v128) (local $m v128) (local $d v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $c) (i32.const 3)))
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $pixels) (local.get $row))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $v (v128.load (local.get $z)))
          (local.set $m (v128.load (i32.add (local.get $mean) (local.get $co))))
          (local.set $a (i32.add (local.get $out) (i32.shl (local.get $co) (i32.const 1))))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (f64x2.promote_low_f32x4 (local.get $m))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))))
          (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a)) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $z (i32.add (local.get $z) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $pixel))))

    ;; r = f32(f32(z · scale[c]) + offset[c]); y = min(hi, max(lo, r)) for every element (lo = -inf, hi = inf: linear; 0, inf: relu; 0, 6: relu6)
  (func (export "affine_act") (param $z i32) (param $y i32) (param $pixels i32) (param $c i32) (param $scale i32) (param $offset i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $row i32) (local $co i32) (local $vlo v128) (local $vhi v128) (local $v v128) (local $sc v128) (local $of v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $pixels) (local.get $row))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $v (v128.load (local.get $z)))
          (local.set $sc (v128.load (i32.add (local.get $scale) (local.get $co))))
          (local.set $of (v128.load (i32.add (local.get $offset) (local.get $co))))
          (v128.store (local.get $y) (f32x4.min (local.get $vhi) (f32x4.max (local.get $vlo) (f32x4.add (f32x4.mul (local.get $v) (local.get $sc)) (local.get $of)))))
          (local.set $z (i32.add (local.get $z) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $pixel))))

    ;; sumG[c] = Σ g, sumGz[c] = Σ g · (z − mean[c])  (float64; sumGz follows sumG, 8·C bytes each)
  (func (export "grad_sums") (param $dy i32) (param $z i32) (param $pixels i32) (param $c i32) (param $scale i32) (param $offset i32) (param $mean i32) (param $lo f32) (param $hi f32) (param $sums i32)
    (local $end i32) (local $row i32) (local $co i32) (local $a i32) (local $b i32) (local $vlo v128) (local $vhi v128)
    (local $v v128) (local $g v128) (local $m v128) (local $d v128) (local $r v128) (local $sc v128) (local $of v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (memory.fill (local.get $sums) (i32.const 0) (i32.shl (local.get $c) (i32.const 4)))
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $pixels) (local.get $row))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $v (v128.load (local.get $z)))
          (local.set $sc (v128.load (i32.add (local.get $scale) (local.get $co))))
          (local.set $of (v128.load (i32.add (local.get $offset) (local.get $co))))
          (local.set $r (f32x4.add (f32x4.mul (local.get $v) (local.get $sc)) (local.get $of)))
          (local.set $g (v128.and (v128.load (local.get $dy)) (v128.and (f32x4.gt (local.get $r) (local.get $vlo)) (f32x4.le (local.get $r) (local.get $vhi)))))
          (local.set $m (v128.load (i32.add (local.get $mean) (local.get $co))))
          (local.set $a (i32.add (local.get $sums) (i32.shl (local.get $co) (i32.const 1))))
          (local.set $b (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 3))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $g))))
          (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a)) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $g) (local.get $g)))))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (f64x2.promote_low_f32x4 (local.get $m))))
          (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g)) (local.get $d))))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))))
          (v128.store offset=16 (local.get $b) (f64x2.add (v128.load offset=16 (local.get $b)) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $g) (local.get $g))) (local.get $d))))
          (local.set $z (i32.add (local.get $z) (i32.const 16)))
          (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $pixel))))

  ;; dz = f32 steps of k[c] · ((g − meanG[c]) − (z − mean[c]) · slope[c]); the four per-channel
  ;; float32 arrays k, meanG, slope follow one another at $coef (4·C bytes each)
  (func (export "grad_dz") (param $dy i32) (param $z i32) (param $dz i32) (param $pixels i32) (param $c i32) (param $scale i32) (param $offset i32) (param $mean i32) (param $lo f32) (param $hi f32) (param $coef i32)
    (local $end i32) (local $row i32) (local $co i32) (local $vlo v128) (local $vhi v128) (local $v v128) (local $g v128) (local $k i32) (local $mg i32) (local $sl i32)
    (local $r v128) (local $sc v128) (local $of v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $z) (i32.mul (local.get $pixels) (local.get $row))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $v (v128.load (local.get $z)))
          (local.set $sc (v128.load (i32.add (local.get $scale) (local.get $co))))
          (local.set $of (v128.load (i32.add (local.get $offset) (local.get $co))))
          (local.set $r (f32x4.add (f32x4.mul (local.get $v) (local.get $sc)) (local.get $of)))
          (local.set $g (v128.and (v128.load (local.get $dy)) (v128.and (f32x4.gt (local.get $r) (local.get $vlo)) (f32x4.le (local.get $r) (local.get $vhi)))))
          (local.set $k (i32.add (local.get $coef) (local.get $co)))
          (local.set $mg (i32.add (local.get $k) (local.get $row)))
          (local.set $sl (i32.add (local.get $mg) (local.get $row)))
          (v128.store (local.get $dz)
            (f32x4.mul (v128.load (local.get $k))
              (f32x4.sub (f32x4.sub (local.get $g) (v128.load (local.get $mg)))
                         (f32x4.mul (f32x4.sub (local.get $v) (v128.load (i32.add (local.get $mean) (local.get $co)))) (v128.load (local.get $sl))))))
          (local.set $z (i32.add (local.get $z) (i32.const 16)))
          (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
          (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $pixel))))
)
