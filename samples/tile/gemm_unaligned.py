# C = A x B at 100 x 100 x 100, a shape that is not a multiple of the 32x32 tile: the host pads the tensors
# with zeros to 128 x 128 and crops the result; the kernel itself is written for the logical shape.
#
#   tilesim run samples/tile/gemm_unaligned.py
import tilelang
import tilelang.language as T

M = 100
N = 100
K = 100
block_M = 32
block_N = 32
block_K = 32


@T.prim_func
def gemm_unaligned(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_K), "bfloat16")
        B_shared = T.alloc_shared((block_K, block_N), "bfloat16")
        C_local = T.alloc_fragment((block_M, block_N), "float")
        T.clear(C_local)
        for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
            T.copy(A[by * block_M, k * block_K], A_shared)
            T.copy(B[k * block_K, bx * block_N], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        T.copy(C_local, C[by * block_M, bx * block_N])
