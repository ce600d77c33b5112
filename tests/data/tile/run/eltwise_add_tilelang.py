# args:
# TileLang's element-wise example as it is written: index names under T.Parallel and stores straight into
# the output tensor (staged through an on-chip tile by the front end).
import tilelang
import tilelang.language as T


def elementwise_add(M, N, block_M, block_N, in_dtype, out_dtype, threads):

    @T.prim_func
    def elem_add(A: T.Tensor((M, N), in_dtype), B: T.Tensor((M, N), in_dtype), C: T.Tensor((M, N), out_dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=threads) as (bx, by):
            start_x = bx * block_N
            start_y = by * block_M
            for (local_y, local_x) in T.Parallel(block_M, block_N):
                y = start_y + local_y
                x = start_x + local_x
                C[y, x] = A[y, x] + B[y, x]

    return elem_add


kernel = elementwise_add(512, 1024, 32, 64, "bfloat16", "bfloat16", 128)
