;; The ReLU / ReLU6 gradient for the wasm backend in WebAssembly SIMD, in place on the backend's
;; memory (imported; pointers are byte offsets into it): dx = dy where 0 < x <= hi, else 0 (TF.js's
;; Relu gradient is dy · step(x), Relu6's dy · (x <= 6) · step(x); hi = inf for ReLU). One pass
;; instead of TF.js's 2 (ReLU) or 5 (ReLU6) full-size kernels. Compiled by scripts/gen-simd.mjs.
(module
  (import "env" "memory" (memory 1))

  (func (export "activation_grad") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $hi f32)
    (local $end i32) (local $vend i32) (local $v v128) (local $zero v128) (local $vhi v128) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $vend)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $dx)
          (v128.and (v128.load (local.get $dy)) (v128.and (f32x4.gt (local.get $v) (local.get $zero)) (f32x4.le (local.get $v) (local.get $vhi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.load (local.get $x)))
        (f32.store (local.get $dx)
          (select (f32.load (local.get $dy)) (f32.const 0)
            (i32.and (f32.gt (local.get $s) (f32.const 0)) (f32.le (local.get $s) (local.get $hi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $tail))))
)
