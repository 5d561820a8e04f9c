"""Interpreter implementations of the `func` ops n64c's engines execute
(`func.func` as a callable, `func.return`, `func.call`).

The engines register these instead of `xdsl.interpreters.func` because
importing any module of the `xdsl.interpreters` package runs its
`__init__`, which loads every interpreter xDSL ships (RISC-V, Snitch,
linalg, ...) and their dialects: a large part of a short compile's start-up.
"""

from __future__ import annotations

from typing import Any

from xdsl.dialects import func
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    ReturnedValues,
    TerminatorValue,
    impl,
    impl_callable,
    impl_terminator,
    register_impls,
)


@register_impls
class FuncCallFunctions(InterpreterFunctions):
    """`func.func` bodies run as SSACFG regions; `func.return` hands back
    its operands; `func.call` calls the named function."""

    @impl_terminator(func.ReturnOp)
    def run_return(
        self, interpreter: Interpreter, op: func.ReturnOp, args: tuple[Any, ...]
    ) -> tuple[TerminatorValue, PythonValues]:
        return ReturnedValues(args), ()

    @impl(func.CallOp)
    def run_call(
        self, interpreter: Interpreter, op: func.CallOp, args: tuple[Any, ...]
    ) -> PythonValues:
        return interpreter.call_op(op.callee, args)

    @impl_callable(func.FuncOp)
    def call_func(
        self, interpreter: Interpreter, op: func.FuncOp, args: tuple[Any, ...]
    ) -> PythonValues:
        block = op.body.blocks.first
        if block is None or not block.ops:
            return interpreter.call_external(op.sym_name.data, op, args)
        return interpreter.run_ssacfg_region(op.body, args, op.sym_name.data)
