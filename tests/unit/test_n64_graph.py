"""Graph dialect: constants from/to numpy, exact text round trips, shape
helpers and the typed accessors the passes use."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from n64c.dialects import n64
from n64c.dialects.n64_graph import (
    broadcast_shapes,
    concat_output_shape,
    conv2d_output_shape,
    f32_tensor,
    flatten_output_shape,
    matmul_output_shape,
    pad_output_shape,
    pool_output_shape,
)


def roundtrip(module: ModuleOp, generic: bool = False) -> ModuleOp:
    out = StringIO()
    Printer(out, print_generic_format=generic).print_op(module)
    ctx = Context()
    ctx.load_dialect(Builtin)
    ctx.load_dialect(n64.N64)
    return Parser(ctx, out.getvalue()).parse_module()


def bits(a: np.ndarray) -> np.ndarray:
    return a.view(f"u{a.itemsize}")


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32", "int64"])
def test_constant_from_and_to_numpy(dtype: str) -> None:
    a = (np.arange(24).reshape(2, 3, 4) * 7 - 50).astype(dtype)
    op = n64.ConstantOp.from_numpy(a)
    op.verify()
    back = op.to_numpy()
    assert back.dtype == a.dtype and back.shape == a.shape
    np.testing.assert_array_equal(back, a)
    assert not back.flags.writeable


def test_constant_from_float64_and_non_contiguous() -> None:
    a = np.linspace(-1, 1, 12).reshape(3, 4).T
    op = n64.ConstantOp.from_numpy(a)
    assert op.result.type == f32_tensor([4, 3])
    np.testing.assert_array_equal(op.to_numpy(), a.astype(np.float32))


def test_constant_rejects_unsupported_dtype() -> None:
    with pytest.raises(ValueError, match="complex64"):
        n64.ConstantOp.from_numpy(np.zeros(2, np.complex64))


@pytest.mark.parametrize("generic", [False, True])
@pytest.mark.parametrize("size", [1, 7, 100, 101, 5000])
def test_constant_text_round_trip_is_bit_exact(size: int, generic: bool) -> None:
    rng = np.random.default_rng(size)
    a = rng.standard_normal(size).astype(np.float32) * 1e3
    if size > 3 and not generic:
        # The builtin (generic) printer is exact for finite values only.
        a[:3] = [np.nan, -np.inf, -0.0]
    module = ModuleOp([n64.ConstantOp.from_numpy(a)])
    op = roundtrip(module, generic).body.block.first_op
    assert isinstance(op, n64.ConstantOp)
    np.testing.assert_array_equal(bits(op.to_numpy()), bits(a))


@pytest.mark.parametrize("values", [[0.0, -0.0], [-0.0, -0.0], [np.nan] * 3, [2.0**24]])
def test_constant_special_values_round_trip(values: list[float]) -> None:
    a = np.array(values, np.float32)
    op = roundtrip(ModuleOp([n64.ConstantOp.from_numpy(a)])).body.block.first_op
    assert isinstance(op, n64.ConstantOp)
    np.testing.assert_array_equal(bits(op.to_numpy()), bits(a))


def test_shape_helpers() -> None:
    assert broadcast_shapes((2, 1, 4), (3, 1), ()) == (2, 3, 4)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        broadcast_shapes((2, 3), (4,))
    assert matmul_output_shape((4,), (2, 4, 3)) == (2, 3)
    assert matmul_output_shape((5, 2, 4), (4,)) == (5, 2)
    assert conv2d_output_shape(
        (1, 6, 10, 9), (6, 1, 3, 3), (2, 2), (1, 1, 1, 1), (1, 2), 6
    ) == (1, 6, 5, 4)
    assert pool_output_shape((1, 2, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1)) == (1, 2, 4, 4)
    assert pool_output_shape(
        (1, 2, 8, 8), (3, 3), (2, 2), (1, 1, 1, 1), ceil_mode=True
    ) == (1, 2, 5, 5)
    # A ceil-mode window starting in the end padding is dropped.
    assert pool_output_shape(
        (1, 1, 5, 5), (2, 2), (2, 2), (0, 0, 1, 1), ceil_mode=True
    ) == (1, 1, 3, 3)
    assert pool_output_shape(
        (1, 1, 4, 4), (2, 2), (3, 3), (0, 0, 1, 1), ceil_mode=True
    ) == (1, 1, 2, 2)
    assert concat_output_shape([(1, 2, 3), (1, 4, 3)], -2) == (1, 6, 3)
    assert flatten_output_shape((2, 3, 4), 0) == (1, 24)
    assert flatten_output_shape((2, 3, 4), -1) == (6, 4)
    assert pad_output_shape((2, 5), (0, -1, 1, 2)) == (3, 6)


def test_typed_accessors_and_set_clamp() -> None:
    module = ModuleOp([])
    x = n64.ConstantOp.from_numpy(np.zeros((1, 4, 6, 6), np.float32))
    w = n64.ConstantOp.from_numpy(np.zeros((4, 1, 3, 3), np.float32))
    conv = n64.Conv2dOp(
        x, w, None, f32_tensor([1, 4, 3, 3]), strides=(2, 2), pads=(1, 1, 0, 0), group=4
    )
    module.body.block.add_ops([x, w, conv])
    module.verify()
    assert conv.get_strides() == (2, 2)
    assert conv.get_pads() == (1, 1, 0, 0)
    assert conv.get_dilations() == (1, 1)
    assert conv.get_group() == 4
    assert conv.get_clamp() == (None, None)
    conv.set_clamp(0.0, 6.0)
    assert conv.get_clamp() == (0.0, 6.0)
    text = StringIO()
    Printer(text).print_op(conv)
    assert (
        "clamp_min = 0.000000e+00 : f32, clamp_max = 6.000000e+00 : f32"
        in text.getvalue()
    )
    conv.set_clamp(None, 6.0)
    assert conv.get_clamp() == (None, 6.0)
    conv.set_clamp(7.0, 6.0)
    with pytest.raises(VerifyException, match="clamp_min 7.0 exceeds clamp_max 6.0"):
        conv.verify()


def test_unary_result_type_defaults_to_operand_type() -> None:
    x = n64.ConstantOp.from_numpy(np.zeros((2, 3), np.float32))
    for op in (
        n64.ReluOp(x),
        n64.SigmoidOp(x),
        n64.TanhOp(x),
        n64.ClipOp(x, min=0.0),
        n64.LeakyReluOp(x),
        n64.SoftmaxOp(x, axis=0),
    ):
        assert op.result.type == x.result.type
    bn_x = n64.ConstantOp.from_numpy(np.zeros((1, 3, 2, 2), np.float32))
    p = n64.ConstantOp.from_numpy(np.ones(3, np.float32))
    assert n64.BatchNormOp(bn_x, p, p, p, p).result.type == bn_x.result.type
