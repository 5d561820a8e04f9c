    .text
    vxor $v01, $v01, $v01
    bogus t0
