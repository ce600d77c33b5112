# expect: 4:2: T.prim_func does not name tilelang.language.prim_func
M = 64

@T.prim_func
def kern(A: T.Tensor((M, M), "float32")):
    with T.Kernel(1) as bx:
        pass
