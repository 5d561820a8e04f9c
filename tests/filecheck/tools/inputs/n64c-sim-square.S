# Squares lane 0 of b into every lane (vmudh with a broadcast) and stores it.
    .text
    ori t0, zero, 0x10
    lqv $v01, 0, t0
    vmudh $v02, $v01, $v01.e0
    sqv $v02, 0x20, zero
    break
    .data
    .align 4
a:  .half 0, 0, 0, 0
b:  .half 3, 4, 5, 6, -7, 8, 9, 10
