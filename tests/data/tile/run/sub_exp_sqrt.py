# args: --rows 96 --cols 200
# Element-wise chains mixing FPU and SFPU operations, read straight from the tensors, fp32 output.
import tilelang.language as T

rows = 128
cols = 128


@T.prim_func
def chain(X: T.Tensor((rows, cols), "bfloat16"), Y: T.Tensor((rows, cols), "bfloat16"),
          Z: T.Tensor((rows, cols), "float32")):
    with T.Kernel(T.ceildiv(cols, 32), T.ceildiv(rows, 32)) as (bx, by):
        out = T.alloc_fragment((32, 32), "float32")
        for i, j in T.Parallel(32, 32):
            out[i, j] = T.exp(X[by * 32 + i, bx * 32 + j] - Y[by * 32 + i, bx * 32 + j]) + T.sqrt(T.exp(Y[by * 32 + i, bx * 32 + j]))
        T.copy(out, Z[by * 32, bx * 32])
