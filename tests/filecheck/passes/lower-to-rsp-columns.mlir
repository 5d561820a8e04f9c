// RUN: n64-opt %s -p 'tile-for-dmem{dmem=1024},allocate-dmem{dmem=1024},plan-rdram,lower-to-rsp' | filecheck %s

// With 1 KiB of DMEM a band of whole 20-pixel rows does not fit: the pool
// runs on tiles of one output row and 10 columns. The column table comes
// from the weights blob; per column tile the band is refilled with the
// padding, and each band row's DMA takes its band offset, image column
// offset and length word from the table (lw 0/4/8). The pixel loop runs
// 5 trips of 2 pixels (their 18 window vectors loaded, then compared).
func.func @c(%x: tensor<1x8x3x20xi16>) -> tensor<1x8x3x20xi16> {
  %y = n64.qmaxpool %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] frac_bits 10 : tensor<1x8x3x20xi16> -> tensor<1x8x3x20xi16>
  func.return %y : tensor<1x8x3x20xi16>
}

// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_tile_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_column_tile_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_fill_{{[0-9]+}}"
// CHECK:       rsp.lw %{{.*}}, 0
// CHECK:       rsp.lw %{{.*}}, 4
// CHECK:       rsp.lw %{{.*}}, 8
// CHECK:       rsp.label "ucode0_band_{{[0-9]+}}"
// CHECK:       rsp.addi %{{.*}}, 5 {comment = "pixel"}
// CHECK:       rsp.label "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.addi %{{.*}}, 12
// CHECK:       rsp.bne %{{.*}}, %{{.*}}, "ucode0_column_tile_{{[0-9]+}}"
