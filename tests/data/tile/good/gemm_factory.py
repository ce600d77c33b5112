"""GEMM written the way TileLang's examples write it: a factory whose parameters are the problem size."""
import tilelang
from tilelang import language as T


@tilelang.jit(out_idx=[-1])
def matmul(M, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16", accum_dtype="float"):
    num_k_blocks = T.ceildiv(K, block_K)

    @T.prim_func
    def main(
            A: T.Tensor((M, K), dtype),
            B: T.Tensor((K, N), dtype),
            C: T.Tensor((M, N), dtype),
    ):
        # The grid is (N / block_N) x (M / block_M) blocks.
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.use_swizzle(panel_size=10, enable=True)
            T.clear(C_local)
            for ko in T.Pipelined(num_k_blocks, num_stages=3):
                T.copy(A[by * block_M:(by + 1) * block_M, ko * block_K:(ko + 1) * block_K], A_shared)
                T.copy(B[ko * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local, transpose_A=False, transpose_B=False)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return main


def main():
    import torch
    kernel = matmul(1024, 1024, 1024)
    a = torch.randn(1024, 1024, device="cuda", dtype=torch.bfloat16)
    while False:
        pass
    print(kernel(a, a))


if __name__ == "__main__":
    main()
