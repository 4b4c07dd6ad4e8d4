;; DepthwiseConv2dNativeBackpropFilter (depth multiplier 1) for the wasm backend in WebAssembly SIMD,
;; in place on the backend's memory (imported; pointers are byte offsets into it).
;; dW[kh, kw, c] = Σ over (b, oy, ox) of x[b, oy·sH + kh − padT, ox·sW + kw − padL, c] · dy[b, oy, ox, c],
;; taps in the padding skipped. Pixel by pixel, 4 channels per vector, the sums kept in dW itself
;; (fH·fW·C floats: it stays in the L1 cache). C must be a multiple of 4 (the JS side checks).
;; Float32 sums in output-pixel order. Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  (func (export "depthwise_filter_grad")
    (param $x i32) (param $dy i32) (param $dw i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $c i32)
    (param $outH i32) (param $outW i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32) (param $padT i32) (param $padL i32)
    (local $row i32) (local $b i32) (local $oy i32) (local $ox i32) (local $kh i32) (local $kw i32) (local $iy i32) (local $ix i32)
    (local $dp i32) (local $xp i32) (local $ap i32) (local $cb i32)
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (i32.mul (local.get $fH) (local.get $fW)) (local.get $row)))
    (local.set $dp (local.get $dy))
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yloop
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xloop
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $outW)))
          (local.set $kh (i32.const 0))
          (block $khdone (loop $khloop
            (br_if $khdone (i32.ge_u (local.get $kh) (local.get $fH)))
            (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $sH)) (local.get $kh)) (local.get $padT)))
            (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
              (then
                (local.set $kw (i32.const 0))
                (block $kwdone (loop $kwloop
                  (br_if $kwdone (i32.ge_u (local.get $kw) (local.get $fW)))
                  (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $sW)) (local.get $kw)) (local.get $padL)))
                  (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                    (then
                      (local.set $xp (i32.add (local.get $x)
                        (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix)) (local.get $row))))
                      (local.set $ap (i32.add (local.get $dw) (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw)) (local.get $row))))
                      (local.set $cb (i32.const 0))
                      (loop $cloop
                        (v128.store (i32.add (local.get $ap) (local.get $cb))
                          (f32x4.add (v128.load (i32.add (local.get $ap) (local.get $cb)))
                            (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $cb))) (v128.load (i32.add (local.get $dp) (local.get $cb))))))
                        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                        (br_if $cloop (i32.lt_u (local.get $cb) (local.get $row))))))
                  (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                  (br $kwloop)))))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khloop)))
          (local.set $dp (i32.add (local.get $dp) (local.get $row)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xloop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bloop))))
)
