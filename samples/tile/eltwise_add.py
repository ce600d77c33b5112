# C = A + B element by element, in 64x64 blocks: the reader fills two shared buffers, the compute kernel
# adds them tile by tile, the writer stores the result.
#
#   tilesim run samples/tile/eltwise_add.py
#   tilesim run samples/tile/eltwise_add.py --M 100 --N 100
import tilelang
import tilelang.language as T

M = 1024
N = 1024
block_M = 64
block_N = 64


@T.prim_func
def eltwise_add(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_N), "bfloat16")
        B_shared = T.alloc_shared((block_M, block_N), "bfloat16")
        C_local = T.alloc_fragment((block_M, block_N), "bfloat16")
        T.copy(A[by * block_M, bx * block_N], A_shared)
        T.copy(B[by * block_M, bx * block_N], B_shared)
        for i, j in T.Parallel(block_M, block_N):
            C_local[i, j] = A_shared[i, j] + B_shared[i, j]
        T.copy(C_local, C[by * block_M, bx * block_N])
