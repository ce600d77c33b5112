# expect: 9:13: T.Parallel over 16x16 stores into tensor C: such a store goes through an on-chip tile
import tilelang.language as T


@T.prim_func
def k(A: T.Tensor((128, 128), "bfloat16"), C: T.Tensor((128, 128), "bfloat16")):
    with T.Kernel(8, 8) as (bx, by):
        for i, j in T.Parallel(16, 16):
            C[by * 16 + i, bx * 16 + j] = A[by * 16 + i, bx * 16 + j] + 1.0
