# expect: 4:13: parameter M of factory has no value: pass --M
import tilelang.language as T

def factory(M, block_M=64):
    @T.prim_func
    def main(A: T.Tensor((M, block_M), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((block_M, block_M), "float32")
            T.copy(A[0, 0], S)
    return main
