    nop
    lqv $v01, 24, s0
