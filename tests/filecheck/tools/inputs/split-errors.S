# chunk 1
.text
  addi $t0, $zero, 1
  break
// -----
.text
  foo
  break
// -----
.text
  nop
  break
