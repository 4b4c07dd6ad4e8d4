;; Conv2DBackpropFilter for the wasm backend in WebAssembly SIMD, in place on the backend's memory
;; (imported; pointers are byte offsets into it), straight from the NHWC input and dy: no im2col
;; copy. dW[kh, kw, ci, co] = Σ over (b, oy, ox) of x[b, oy·sH + kh − padT, ox·sW + kw − padL, ci] ·
;; dy[b, oy, ox, co], taps in the padding skipped. Each block of 4 input channels × 8 output
;; channels keeps its 32 sums in 8 vectors over the whole reduction and is stored once, so dW needs
;; no zeroing. Output channels must be a multiple of 8 (the JS side checks). Float32 sums in
;; output-pixel order. Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  ;; The geometry, set once per call by "conv_filter_grad" and read by the block functions.
  (global $x (mut i32) (i32.const 0))
  (global $dy (mut i32) (i32.const 0))
  (global $batch (mut i32) (i32.const 0))
  (global $inH (mut i32) (i32.const 0))
  (global $inW (mut i32) (i32.const 0))
  (global $ci (mut i32) (i32.const 0))
  (global $outH (mut i32) (i32.const 0))
  (global $outW (mut i32) (i32.const 0))
  (global $co (mut i32) (i32.const 0))
  (global $sH (mut i32) (i32.const 0))
  (global $sW (mut i32) (i32.const 0))
  (global $padT (mut i32) (i32.const 0))
  (global $padL (mut i32) (i32.const 0))

  ;; Byte offset in x of (b, iy, ix, c) and in dy of (b, oy, ox, c).
  (func $xAt (param $b i32) (param $iy i32) (param $ix i32) (param $c i32) (result i32)
    (i32.add (global.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (global.get $inH)) (local.get $iy)) (global.get $inW)) (local.get $ix)) (global.get $ci)) (local.get $c)) (i32.const 2))))
  (func $dyAt (param $b i32) (param $oy i32) (param $ox i32) (param $c i32) (result i32)
    (i32.add (global.get $dy) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (global.get $outH)) (local.get $oy)) (global.get $outW)) (local.get $ox)) (global.get $co)) (local.get $c)) (i32.const 2))))

  ;; 4 input channels (c0..c0+3) x 8 output channels (o0..o0+7) of tap (kh, kw); valid output rows
  ;; [oyLo, oyHi) and columns [oxLo, oxHi); the 32 sums stored at $dw (rows of $co floats).
  (func $block4 (param $kh i32) (param $kw i32) (param $c0 i32) (param $o0 i32) (param $oyLo i32) (param $oyHi i32) (param $oxLo i32) (param $oxHi i32) (param $dw i32)
    (local $b i32) (local $oy i32) (local $n i32) (local $xp i32) (local $dp i32) (local $xStep i32) (local $dStep i32)
    (local $d0 v128) (local $d1 v128) (local $a v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128) (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $xStep (i32.shl (i32.mul (global.get $sW) (global.get $ci)) (i32.const 2)))
    (local.set $dStep (i32.shl (global.get $co) (i32.const 2)))
    (local.set $b (i32.const 0))
    (loop $bloop
      (local.set $oy (local.get $oyLo))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_s (local.get $oy) (local.get $oyHi)))
        (local.set $xp (call $xAt (local.get $b)
          (i32.sub (i32.add (i32.mul (local.get $oy) (global.get $sH)) (local.get $kh)) (global.get $padT))
          (i32.sub (i32.add (i32.mul (local.get $oxLo) (global.get $sW)) (local.get $kw)) (global.get $padL))
          (local.get $c0)))
        (local.set $dp (call $dyAt (local.get $b) (local.get $oy) (local.get $oxLo) (local.get $o0)))
        (local.set $n (i32.sub (local.get $oxHi) (local.get $oxLo)))
        (block $xdone (loop $xloop
          (br_if $xdone (i32.le_s (local.get $n) (i32.const 0)))
          (local.set $d0 (v128.load (local.get $dp)))
          (local.set $d1 (v128.load offset=16 (local.get $dp)))
          (local.set $a (v128.load32_splat (local.get $xp)))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $a) (local.get $d0))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $a) (local.get $d1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $xp)))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $a) (local.get $d0))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $a) (local.get $d1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $xp)))
          (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $a) (local.get $d0))))
          (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $a) (local.get $d1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $xp)))
          (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $a) (local.get $d0))))
          (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $a) (local.get $d1))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dStep)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $xloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bloop (i32.lt_u (local.get $b) (global.get $batch))))
    (v128.store (local.get $dw) (local.get $s00))
    (v128.store offset=16 (local.get $dw) (local.get $s01))
    (local.set $dw (i32.add (local.get $dw) (local.get $dStep)))
    (v128.store (local.get $dw) (local.get $s10))
    (v128.store offset=16 (local.get $dw) (local.get $s11))
    (local.set $dw (i32.add (local.get $dw) (local.get $dStep)))
    (v128.store (local.get $dw) (local.get $s20))
    (v128.store offset=16 (local.get $dw) (local.get $s21))
    (local.set $dw (i32.add (local.get $dw) (local.get $dStep)))
    (v128.store (local.get $dw) (local.get $s30))
    (v128.store offset=16 (local.get $dw) (local.get $s31)))

  ;; The same for one input channel c0 x 16 output channels (4 vectors: a first layer's one or three
  ;; input channels give little to share a dy load with, so more output channels per pass).
  (func $block1 (param $kh i32) (param $kw i32) (param $c0 i32) (param $o0 i32) (param $oyLo i32) (param $oyHi i32) (param $oxLo i32) (param $oxHi i32) (param $dw i32) (param $wide i32)
    (local $b i32) (local $oy i32) (local $n i32) (local $xp i32) (local $dp i32) (local $xStep i32) (local $dStep i32)
    (local $a v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $xStep (i32.shl (i32.mul (global.get $sW) (global.get $ci)) (i32.const 2)))
    (local.set $dStep (i32.shl (global.get $co) (i32.const 2)))
    (local.set $b (i32.const 0))
    (loop $bloop
      (local.set $oy (local.get $oyLo))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_s (local.get $oy) (local.get $oyHi)))
        (local.set $xp (call $xAt (local.get $b)
          (i32.sub (i32.add (i32.mul (local.get $oy) (global.get $sH)) (local.get $kh)) (global.get $padT))
          (i32.sub (i32.add (i32.mul (local.get $oxLo) (global.get $sW)) (local.get $kw)) (global.get $padL))
          (local.get $c0)))
        (local.set $dp (call $dyAt (local.get $b) (local.get $oy) (local.get $oxLo) (local.get $o0)))
        (local.set $n (i32.sub (local.get $oxHi) (local.get $oxLo)))
        (block $xdone (loop $xloop
          (br_if $xdone (i32.le_s (local.get $n) (i32.const 0)))
          (local.set $a (v128.load32_splat (local.get $xp)))
          (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $a) (v128.load (local.get $dp)))))
          (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $dp)))))
          (if (local.get $wide) (then
            (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $dp)))))
            (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $dp)))))))
          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
          (local.set $dp (i32.add (local.get $dp) (local.get $dStep)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $xloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bloop (i32.lt_u (local.get $b) (global.get $batch))))
    (v128.store (local.get $dw) (local.get $s0))
    (v128.store offset=16 (local.get $dw) (local.get $s1))
    (if (local.get $wide) (then
      (v128.store offset=32 (local.get $dw) (local.get $s2))
      (v128.store offset=48 (local.get $dw) (local.get $s3)))))

  ;; dW [fH, fW, ci, co] at $dw. $ranges: for each kh the valid output rows (lo, hi), then for each
  ;; kw the valid output columns (lo, hi), as i32 pairs (computed by the JS side).
  (func (export "conv_filter_grad")
    (param $xp i32) (param $dyp i32) (param $dw i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $ci i32)
    (param $outH i32) (param $outW i32) (param $co i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32)
    (param $padT i32) (param $padL i32) (param $ranges i32)
    (local $kh i32) (local $kw i32) (local $c i32) (local $o i32) (local $rh i32) (local $rw i32) (local $tap i32) (local $row i32)
    (global.set $x (local.get $xp)) (global.set $dy (local.get $dyp)) (global.set $batch (local.get $batch))
    (global.set $inH (local.get $inH)) (global.set $inW (local.get $inW)) (global.set $ci (local.get $ci))
    (global.set $outH (local.get $outH)) (global.set $outW (local.get $outW)) (global.set $co (local.get $co))
    (global.set $sH (local.get $sH)) (global.set $sW (local.get $sW)) (global.set $padT (local.get $padT)) (global.set $padL (local.get $padL))
    (local.set $row (i32.shl (local.get $co) (i32.const 2)))
    (local.set $kh (i32.const 0))
    (block $hdone (loop $hloop
      (br_if $hdone (i32.ge_u (local.get $kh) (local.get $fH)))
      (local.set $rh (i32.add (local.get $ranges) (i32.shl (local.get $kh) (i32.const 3))))
      (local.set $kw (i32.const 0))
      (block $wdone (loop $wloop
        (br_if $wdone (i32.ge_u (local.get $kw) (local.get $fW)))
        (local.set $rw (i32.add (local.get $ranges) (i32.shl (i32.add (local.get $fH) (local.get $kw)) (i32.const 3))))
        ;; first float of this tap's [ci, co] block of dW
        (local.set $tap (i32.add (local.get $dw) (i32.mul (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw)) (local.get $ci)) (local.get $row))))
        (local.set $c (i32.const 0))
        (block $cdone (loop $cloop
          (br_if $cdone (i32.ge_u (local.get $c) (local.get $ci)))
          (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $ci))
            (then
              (local.set $o (i32.const 0))
              (loop $oloop
                (call $block4 (local.get $kh) (local.get $kw) (local.get $c) (local.get $o)
                  (i32.load (local.get $rh)) (i32.load offset=4 (local.get $rh)) (i32.load (local.get $rw)) (i32.load offset=4 (local.get $rw))
                  (i32.add (local.get $tap) (i32.add (i32.mul (local.get $c) (local.get $row)) (i32.shl (local.get $o) (i32.const 2)))))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))
                (br_if $oloop (i32.lt_u (local.get $o) (local.get $co))))
              (local.set $c (i32.add (local.get $c) (i32.const 4))))
            (else
              (local.set $o (i32.const 0))
              (loop $oloop1
                (call $block1 (local.get $kh) (local.get $kw) (local.get $c) (local.get $o)
                  (i32.load (local.get $rh)) (i32.load offset=4 (local.get $rh)) (i32.load (local.get $rw)) (i32.load offset=4 (local.get $rw))
                  (i32.add (local.get $tap) (i32.add (i32.mul (local.get $c) (local.get $row)) (i32.shl (local.get $o) (i32.const 2))))
                  (i32.le_u (i32.add (local.get $o) (i32.const 16)) (local.get $co)))
                ;; 16 output channels per pass where they are there, else the last 8
                (local.set $o (i32.add (local.get $o) (select (i32.const 16) (i32.const 8) (i32.le_u (i32.add (local.get $o) (i32.const 16)) (local.get $co)))))
                (br_if $oloop1 (i32.lt_u (local.get $o) (local.get $co))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))))
          (br $cloop)))
        (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
        (br $wloop)))
      (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
      (br $hloop))))
)
