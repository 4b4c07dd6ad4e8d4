;; MaxPoolGrad for the wasm backend in WebAssembly SIMD, in place on the backend's memory (imported;
;; pointers are byte offsets into it). NHWC with C a multiple of 4: one vector is 4 channels of one
;; pixel. Each output's gradient goes to the first maximum of its window in scan order (row, then
;; column; a later equal value does not replace it), as TF.js's cpu kernel (maxPoolPositions)
;; decides; taps in the padding are skipped. Written out inline (V8 does not inline wasm calls). Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  (func (export "max_pool_grad")
    (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $c i32)
    (param $outH i32) (param $outW i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32) (param $padT i32) (param $padL i32)
    (local $row i32) (local $b i32) (local $oy i32) (local $ox i32) (local $cb i32) (local $ky i32) (local $kx i32)
    (local $iy i32) (local $ix i32) (local $off i32) (local $img i32) (local $at i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $m v128) (local $d v128) (local $lanes v128)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (i32.mul (local.get $batch) (i32.mul (local.get $inH) (local.get $inW))) (local.get $row)))
    ;; byte offsets of lanes 1..3 within a vector, added to the winning pixel's offset
    (local.set $lanes (v128.const i32x4 0 4 8 12))
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $img (i32.mul (local.get $b) (i32.mul (local.get $inH) (local.get $inW))))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xloop
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $outW)))
          (local.set $cb (i32.const 0))
          (loop $cloop
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $idx (i32x4.splat (i32.const -1)))
            (local.set $ky (i32.const 0))
            (block $kydone (loop $kyloop
              (br_if $kydone (i32.ge_u (local.get $ky) (local.get $fH)))
              (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $sH)) (local.get $ky)) (local.get $padT)))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                (then
                  (local.set $kx (i32.const 0))
                  (block $kxdone (loop $kxloop
                    (br_if $kxdone (i32.ge_u (local.get $kx) (local.get $fW)))
                    (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $sW)) (local.get $kx)) (local.get $padL)))
                    (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                      (then
                        (local.set $off (i32.add
                          (i32.mul (i32.add (local.get $img) (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix))) (local.get $row))
                          (i32.shl (local.get $cb) (i32.const 2))))
                        (local.set $v (v128.load (i32.add (local.get $x) (local.get $off))))
                        (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                        (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                        (local.set $idx (v128.bitselect (i32x4.add (i32x4.splat (local.get $off)) (local.get $lanes)) (local.get $idx) (local.get $m)))))
                    (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                    (br $kxloop)))))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br $kyloop)))
            (local.set $d (v128.load (i32.add (local.get $dy)
              (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $oy)) (local.get $outW)) (local.get $ox)) (local.get $row))
                       (i32.shl (local.get $cb) (i32.const 2))))))
            (local.set $at (i32x4.extract_lane 0 (local.get $idx)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (local.get $at))
                (f32.add (f32.load (i32.add (local.get $dx) (local.get $at))) (f32x4.extract_lane 0 (local.get $d))))))
            (local.set $at (i32x4.extract_lane 1 (local.get $idx)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (local.get $at))
                (f32.add (f32.load (i32.add (local.get $dx) (local.get $at))) (f32x4.extract_lane 1 (local.get $d))))))
            (local.set $at (i32x4.extract_lane 2 (local.get $idx)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (local.get $at))
                (f32.add (f32.load (i32.add (local.get $dx) (local.get $at))) (f32x4.extract_lane 2 (local.get $d))))))
            (local.set $at (i32x4.extract_lane 3 (local.get $idx)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then (f32.store (i32.add (local.get $dx) (local.get $at))
                (f32.add (f32.load (i32.add (local.get $dx) (local.get $at))) (f32x4.extract_lane 3 (local.get $d))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br_if $cloop (i32.lt_u (local.get $cb) (local.get $c))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bloop)))))
