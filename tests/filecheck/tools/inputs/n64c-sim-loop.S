# Never reaches break.
    .text
loop:
    j loop
    nop
    break
