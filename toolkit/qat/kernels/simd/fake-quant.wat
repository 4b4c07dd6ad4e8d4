;; Fake-quant hot loops in WebAssembly SIMD (4 float32 lanes). Same results, bit for bit, as
;; fake-quant-math.ts: q = C round(f32(x / s)) (half away from zero), clamped to [lo, hi] = the
;; int8 range minus the zero-point, times s. Buffers are byte offsets into the imported memory: the
;; wasm backend's own (tensors in place) or one the JS side (simd-kernels.ts) copies arrays into. NaNs are skipped by the reductions and
;; propagate through the forward pass, as in the JS code. Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  ;; min and max of n floats at $p, written to $out and $out + 4 (+inf/-inf when all are NaN).
  (func (export "minmax") (param $p i32) (param $n i32) (param $out i32)
    (local $end i32) (local $vend i32) (local $mn v128) (local $mx v128) (local $v v128)
    (local $smn f32) (local $smx f32) (local $s f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $mn (f32x4.splat (f32.const inf)))
    (local.set $mx (f32x4.splat (f32.const -inf)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $v (v128.load (local.get $p)))
        ;; pmin(a, b) = b < a ? b : a: a NaN in b leaves the accumulator alone
        (local.set $mn (f32x4.pmin (local.get $mn) (local.get $v)))
        (local.set $mx (f32x4.pmax (local.get $mx) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vloop)))
    (local.set $smn (f32.min (f32.min (f32x4.extract_lane 0 (local.get $mn)) (f32x4.extract_lane 1 (local.get $mn)))
                             (f32.min (f32x4.extract_lane 2 (local.get $mn)) (f32x4.extract_lane 3 (local.get $mn)))))
    (local.set $smx (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
                             (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (if (f32.lt (local.get $s) (local.get $smn)) (then (local.set $smn (local.get $s))))
        (if (f32.gt (local.get $s) (local.get $smx)) (then (local.set $smx (local.get $s))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (f32.store (local.get $out) (local.get $smn))
    (f32.store offset=4 (local.get $out) (local.get $smx)))

  ;; max |x| of n floats at $p, written to $out (0 when empty or all NaN).
  (func (export "maxabs") (param $p i32) (param $n i32) (param $out i32)
    (local $end i32) (local $vend i32) (local $mx v128) (local $smx f32) (local $s f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $mx (f32x4.splat (f32.const 0)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.abs (v128.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vloop)))
    (local.set $smx (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
                             (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.abs (f32.load (local.get $p))))
        (if (f32.gt (local.get $s) (local.get $smx)) (then (local.set $smx (local.get $s))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (f32.store (local.get $out) (local.get $smx)))

  ;; C round of 4 lanes: t = trunc(v); |v - t| >= 0.5 (exact in float32) moves one away from zero.
  ;; Written out inline in the vector loops below (V8 does not inline wasm calls); kept as the reference.
  (func $round4 (param $v v128) (result v128)
    (local $t v128)
    (local.set $t (f32x4.trunc (local.get $v)))
    (f32x4.add (local.get $t)
      (v128.and
        (f32x4.ge (f32x4.abs (f32x4.sub (local.get $v) (local.get $t))) (f32x4.splat (f32.const 0.5)))
        ;; +-1.0: the sign bit of v on 1.0
        (v128.or (v128.and (local.get $v) (i32x4.splat (i32.const 0x80000000))) (f32x4.splat (f32.const 1))))))

  (func $round1 (param $v f32) (result f32)
    (local $t f32)
    (local.set $t (f32.trunc (local.get $v)))
    (if (result f32) (f32.ge (f32.abs (f32.sub (local.get $v) (local.get $t))) (f32.const 0.5))
      (then (f32.add (local.get $t) (f32.copysign (f32.const 1) (local.get $v))))
      (else (local.get $t))))

  ;; out[i] = clamp(round(x[i] / s), lo, hi) * s for n floats.
  (func (export "fq_forward") (param $x i32) (param $o i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $vend i32) (local $vs v128) (local $vlo v128) (local $vhi v128) (local $rv v128) (local $rt v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $vend)))
        (v128.store (local.get $o)
          (f32x4.mul
            (f32x4.min (local.get $vhi) (f32x4.max (local.get $vlo)
              (block (result v128)
                (local.set $rv (f32x4.div (v128.load (local.get $x)) (local.get $vs)))
                (local.set $rt (f32x4.trunc (local.get $rv)))
                (f32x4.add (local.get $rt)
                  (v128.and
                    (f32x4.ge (f32x4.abs (f32x4.sub (local.get $rv) (local.get $rt))) (f32x4.splat (f32.const 0.5)))
                    (v128.or (v128.and (local.get $rv) (i32x4.splat (i32.const 0x80000000))) (f32x4.splat (f32.const 1))))))))
            (local.get $vs)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (f32.store (local.get $o)
          (f32.mul
            (f32.min (local.get $hi) (f32.max (local.get $lo)
              (call $round1 (f32.div (f32.load (local.get $x)) (local.get $s)))))
            (local.get $s)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $tail))))

  ;; Straight-through estimator: dx[i] = dy[i] where lo <= round(x[i] / s) <= hi, else 0.
  (func (export "fq_backward") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $s f32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $vend i32) (local $vs v128) (local $vlo v128) (local $vhi v128) (local $r v128) (local $q f32) (local $rv v128) (local $rt v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $vend)))
        (local.set $r (block (result v128)
                (local.set $rv (f32x4.div (v128.load (local.get $x)) (local.get $vs)))
                (local.set $rt (f32x4.trunc (local.get $rv)))
                (f32x4.add (local.get $rt)
                  (v128.and
                    (f32x4.ge (f32x4.abs (f32x4.sub (local.get $rv) (local.get $rt))) (f32x4.splat (f32.const 0.5)))
                    (v128.or (v128.and (local.get $rv) (i32x4.splat (i32.const 0x80000000))) (f32x4.splat (f32.const 1)))))))
        (v128.store (local.get $dx)
          (v128.and (v128.load (local.get $dy))
            (v128.and (f32x4.ge (local.get $r) (local.get $vlo)) (f32x4.le (local.get $r) (local.get $vhi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $q (call $round1 (f32.div (f32.load (local.get $x)) (local.get $s))))
        (f32.store (local.get $dx)
          (select (f32.load (local.get $dy)) (f32.const 0)
            (i32.and (f32.ge (local.get $q) (local.get $lo)) (f32.le (local.get $q) (local.get $hi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $tail))))

  ;; The same gradient without the division: round(x / s) lies in [lo, hi] exactly when
  ;; tlo <= x <= thi (x ↦ round(f32(x / s)) is monotone; fake-quant-math.ts's passRange finds the
  ;; ends on the float32 line), so dx[i] = dy[i] where tlo <= x[i] <= thi, else 0. NaN fails both.
  (func (export "fq_backward_range") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $tlo f32) (param $thi f32)
    (local $end i32) (local $vend i32) (local $vlo v128) (local $vhi v128) (local $v v128) (local $q f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $vlo (f32x4.splat (local.get $tlo)))
    (local.set $vhi (f32x4.splat (local.get $thi)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $vend)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $dx)
          (v128.and (v128.load (local.get $dy))
            (v128.and (f32x4.ge (local.get $v) (local.get $vlo)) (f32x4.le (local.get $v) (local.get $vhi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $q (f32.load (local.get $x)))
        (f32.store (local.get $dx)
          (select (f32.load (local.get $dy)) (f32.const 0)
            (i32.and (f32.ge (local.get $q) (local.get $tlo)) (f32.le (local.get $q) (local.get $thi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $tail))))

  ;; Per-channel (channels last, C a multiple of 4: one vector is 4 channels of one row) max |x|
  ;; of `rows` rows at $p, to the C floats at $out (0 when empty or all NaN), as maxabs per channel.
  (func (export "maxabs_channels") (param $p i32) (param $rows i32) (param $c i32) (param $out i32)
    (local $row i32) (local $end i32) (local $co i32) (local $a i32)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $row))
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $row))))
    (block $done
      (loop $rloop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $a (i32.add (local.get $out) (local.get $co)))
          (v128.store (local.get $a) (f32x4.pmax (v128.load (local.get $a)) (f32x4.abs (v128.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $rloop))))

  ;; fq_forward with one scale per channel (channels last, C a multiple of 4, the C float32 scales
  ;; at $scales): o[r, c] = clamp(round(x[r, c] / s[c]), lo, hi) * s[c]. $o may be $x.
  (func (export "fq_forward_channels") (param $x i32) (param $o i32) (param $rows i32) (param $c i32) (param $scales i32) (param $lo f32) (param $hi f32)
    (local $row i32) (local $end i32) (local $co i32) (local $vs v128) (local $vlo v128) (local $vhi v128) (local $rv v128) (local $rt v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $row))))
    (block $done
      (loop $rloop
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $co (i32.const 0))
        (loop $channel
          (local.set $vs (v128.load (i32.add (local.get $scales) (local.get $co))))
          (v128.store (local.get $o)
            (f32x4.mul
              (f32x4.min (local.get $vhi) (f32x4.max (local.get $vlo)
                (block (result v128)
                  (local.set $rv (f32x4.div (v128.load (local.get $x)) (local.get $vs)))
                  (local.set $rt (f32x4.trunc (local.get $rv)))
                  (f32x4.add (local.get $rt)
                    (v128.and
                      (f32x4.ge (f32x4.abs (f32x4.sub (local.get $rv) (local.get $rt))) (f32x4.splat (f32.const 0.5)))
                      (v128.or (v128.and (local.get $rv) (i32x4.splat (i32.const 0x80000000))) (f32x4.splat (f32.const 1))))))))
              (local.get $vs)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $co (i32.add (local.get $co) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $co) (local.get $row))))
        (br $rloop))))
)
