# expect: 15:9: unsupported: if statements
import tilelang.language as T

M = 256
N = 256
K = 128

@T.prim_func
def kern(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(N // 64, M // 64) as (bx, by):
        A_shared = T.alloc_shared((64, 32), "bfloat16")
        B_shared = T.alloc_shared((32, 64), "bfloat16")
        C_local = T.alloc_fragment((64, 64), "float")
        T.clear(C_local)
        if bx == 0:
            T.clear(C_local)
