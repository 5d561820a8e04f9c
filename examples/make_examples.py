"""Build the bundled example models from scikit-learn's digits data set.

Writes, next to this script:

- ``mlp_digits.onnx``: an MLP 64-64-32-10 (Gemm + Relu, Gemm + Relu, Gemm,
  Softmax) trained with scikit-learn. Input ``input`` [1, 64], output
  ``probabilities`` [1, 10].
- ``cnn_digits.onnx``: a small CNN trained here with numpy. Input ``input``
  [1, 1, 8, 8]: Conv 3x3 (8) + BatchNormalization + Relu, MaxPool 2x2,
  Conv 3x3 (16) + Relu, Flatten, Gemm; output ``logits`` [1, 10].
- ``digits_heldout.npz``: ``X`` float32 [N, 64] (pixels / 16) and ``y`` int64
  of the held-out split.
- ``mlp_digits_input.npy`` [8, 1, 64] and ``cnn_digits_input.npy``
  [8, 1, 1, 8, 8]: the first held-out samples, each with one leading batch
  axis in front of the model's input shape.
- ``mlp_digits_calib.npy`` [64, 1, 64] and ``cnn_digits_calib.npy``
  [64, 1, 1, 8, 8]: calibration samples from the training split, same layout.

Everything is deterministic (fixed seeds) and nothing is downloaded. Run with
``python examples/make_examples.py``; it prints the held-out accuracies.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

HERE = Path(__file__).resolve().parent
SEED = 0
OPSET = 17
IR_VERSION = 8
N_SAMPLES = 8
N_CALIB = 64


def load_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixels scaled to [0, 1] as float32; a stratified 75/25 split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=SEED, stratify=y
    )
    return x_train, x_test, y_train, y_test


def save_model(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="n64c-examples",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


def const(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.ascontiguousarray(array, np.float32), name)


# --------------------------------------------------------------------- MLP


def build_mlp(
    x_train: np.ndarray, y_train: np.ndarray
) -> tuple[onnx.GraphProto, object]:
    clf = MLPClassifier(
        hidden_layer_sizes=(64, 32),
        activation="relu",
        alpha=1e-4,
        max_iter=400,
        random_state=SEED,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x_train, y_train)
    nodes = []
    inits = []
    prev = "input"
    names = ["fc1", "fc2", "fc3"]
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True)):
        # Stored as [out, in] with transB=1, the layout PyTorch exports.
        inits += [const(f"{names[i]}.weight", w.T), const(f"{names[i]}.bias", b)]
        out = f"{names[i]}_out"
        nodes.append(
            helper.make_node(
                "Gemm",
                [prev, f"{names[i]}.weight", f"{names[i]}.bias"],
                [out],
                name=names[i],
                transB=1,
            )
        )
        prev = out
        if i < len(clf.coefs_) - 1:
            nodes.append(
                helper.make_node("Relu", [prev], [f"relu{i + 1}"], name=f"relu{i + 1}")
            )
            prev = f"relu{i + 1}"
    nodes.append(
        helper.make_node("Softmax", [prev], ["probabilities"], name="softmax", axis=-1)
    )
    graph = helper.make_graph(
        nodes,
        "mlp_digits",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    return graph, clf


# --------------------------------------------------------------------- CNN


def im2col(x: np.ndarray, k: int, pad: int) -> np.ndarray:
    """[N, C, H, W] -> [N, H*W, C*k*k] for a stride-1 'same' convolution."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, h, w), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i : i + h, j : j + w]
    return cols.reshape(n, c * k * k, h * w).transpose(0, 2, 1)


def col2im(cols: np.ndarray, shape: tuple[int, ...], k: int, pad: int) -> np.ndarray:
    n, c, h, w = shape
    cols = cols.transpose(0, 2, 1).reshape(n, c, k, k, h, w)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            xp[:, :, i : i + h, j : j + w] += cols[:, :, i, j]
    return xp[:, :, pad : pad + h, pad : pad + w]


class SmallCnn:
    """Conv(1->8)+BN+Relu, MaxPool 2, Conv(8->16)+Relu, Flatten, Dense(256->10)."""

    def __init__(self, rng: np.random.Generator) -> None:
        def he(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
            return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)

        self.p: dict[str, np.ndarray] = {
            "w1": he((8, 1, 3, 3), 9),
            "b1": np.zeros(8),
            "gamma": np.ones(8),
            "beta": np.zeros(8),
            "w2": he((16, 8, 3, 3), 72),
            "b2": np.zeros(16),
            "w3": he((10, 256), 256),
            "b3": np.zeros(10),
        }
        self.run_mean = np.zeros(8)
        self.run_var = np.ones(8)
        self.eps = 1e-5
        self.momentum = 0.9

    def forward(self, x: np.ndarray, train: bool) -> tuple[np.ndarray, dict]:
        p = self.p
        n = x.shape[0]
        c: dict = {"x": x}
        cols1 = im2col(x, 3, 1)  # [N, 64, 9]
        z1 = cols1 @ p["w1"].reshape(8, -1).T + p["b1"]  # [N, 64, 8]
        z1 = z1.transpose(0, 2, 1).reshape(n, 8, 8, 8)
        if train:
            mean = z1.mean(axis=(0, 2, 3))
            var = z1.var(axis=(0, 2, 3))
            self.run_mean = self.momentum * self.run_mean + (1 - self.momentum) * mean
            self.run_var = self.momentum * self.run_var + (1 - self.momentum) * var
        else:
            mean, var = self.run_mean, self.run_var
        inv = 1.0 / np.sqrt(var + self.eps)
        xhat = (z1 - mean[None, :, None, None]) * inv[None, :, None, None]
        bn = p["gamma"][None, :, None, None] * xhat + p["beta"][None, :, None, None]
        a1 = np.maximum(bn, 0.0)
        # 2x2 max pool
        r = a1.reshape(n, 8, 4, 2, 4, 2)
        m1 = r.max(axis=(3, 5))
        mask = r == m1[:, :, :, None, :, None]
        cols2 = im2col(m1, 3, 1)  # [N, 16, 72]
        z2 = cols2 @ p["w2"].reshape(16, -1).T + p["b2"]  # [N, 16, 16]
        z2 = z2.transpose(0, 2, 1).reshape(n, 16, 4, 4)
        a2 = np.maximum(z2, 0.0)
        f = a2.reshape(n, 256)
        logits = f @ p["w3"].T + p["b3"]
        c.update(
            cols1=cols1, z1=z1, xhat=xhat, inv=inv, bn=bn, mask=mask, m1=m1,
            cols2=cols2, z2=z2, f=f,
        )  # fmt: skip
        return logits, c

    def backward(self, dlogits: np.ndarray, c: dict) -> dict[str, np.ndarray]:
        p = self.p
        n = dlogits.shape[0]
        g: dict[str, np.ndarray] = {}
        g["w3"] = dlogits.T @ c["f"]
        g["b3"] = dlogits.sum(0)
        da2 = (dlogits @ p["w3"]).reshape(n, 16, 4, 4)
        dz2 = da2 * (c["z2"] > 0)
        dz2c = dz2.reshape(n, 16, 16).transpose(0, 2, 1)  # [N, 16pos, 16]
        g["w2"] = np.einsum("npo,npk->ok", dz2c, c["cols2"]).reshape(16, 8, 3, 3)
        g["b2"] = dz2c.sum((0, 1))
        dcols2 = dz2c @ p["w2"].reshape(16, -1)
        dm1 = col2im(dcols2, c["m1"].shape, 3, 1)
        da1 = (c["mask"] * dm1[:, :, :, None, :, None]).reshape(n, 8, 8, 8)
        dbn = da1 * (c["bn"] > 0)
        g["gamma"] = (dbn * c["xhat"]).sum((0, 2, 3))
        g["beta"] = dbn.sum((0, 2, 3))
        dxhat = dbn * p["gamma"][None, :, None, None]
        m = n * 64
        dz1 = (
            c["inv"][None, :, None, None]
            / m
            * (
                m * dxhat
                - dxhat.sum((0, 2, 3))[None, :, None, None]
                - c["xhat"] * (dxhat * c["xhat"]).sum((0, 2, 3))[None, :, None, None]
            )
        )
        dz1c = dz1.reshape(n, 8, 64).transpose(0, 2, 1)
        g["w1"] = np.einsum("npo,npk->ok", dz1c, c["cols1"]).reshape(8, 1, 3, 3)
        g["b1"] = dz1c.sum((0, 1))
        return g


def train_cnn(x_train: np.ndarray, y_train: np.ndarray) -> SmallCnn:
    rng = np.random.default_rng(SEED)
    net = SmallCnn(rng)
    x = x_train.reshape(-1, 1, 8, 8).astype(np.float64)
    lr, b1, b2, eps, wd = 3e-3, 0.9, 0.999, 1e-8, 1e-4
    m = {k: np.zeros_like(v) for k, v in net.p.items()}
    v = {k: np.zeros_like(v) for k, v in net.p.items()}
    step = 0
    for epoch in range(40):
        order = rng.permutation(len(x))
        rate = lr * (0.5 ** (epoch // 15))
        for start in range(0, len(x), 32):
            idx = order[start : start + 32]
            logits, cache = net.forward(x[idx], train=True)
            z = logits - logits.max(1, keepdims=True)
            prob = np.exp(z) / np.exp(z).sum(1, keepdims=True)
            prob[np.arange(len(idx)), y_train[idx]] -= 1.0
            grads = net.backward(prob / len(idx), cache)
            step += 1
            for k, gk in grads.items():
                gk = gk + wd * net.p[k]
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1**step)
                vh = v[k] / (1 - b2**step)
                net.p[k] -= rate * mh / (np.sqrt(vh) + eps)
    return net


def build_cnn(net: SmallCnn) -> onnx.GraphProto:
    p = net.p
    inits = [
        const("conv1.weight", p["w1"]),
        const("conv1.bias", p["b1"]),
        const("bn1.scale", p["gamma"]),
        const("bn1.bias", p["beta"]),
        const("bn1.mean", net.run_mean),
        const("bn1.var", net.run_var),
        const("conv2.weight", p["w2"]),
        const("conv2.bias", p["b2"]),
        const("fc.weight", p["w3"]),
        const("fc.bias", p["b3"]),
    ]
    nodes = [
        helper.make_node(
            "Conv",
            ["input", "conv1.weight", "conv1.bias"],
            ["c1"],
            name="conv1",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
        ),  # fmt: skip
        helper.make_node(
            "BatchNormalization",
            ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"],
            ["b1"],
            name="bn1",
            epsilon=net.eps,
        ),  # fmt: skip
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node(
            "MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]
        ),
        helper.make_node(
            "Conv",
            ["p1", "conv2.weight", "conv2.bias"],
            ["c2"],
            name="conv2",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
        ),  # fmt: skip
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten", axis=1),
        helper.make_node(
            "Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1
        ),
    ]
    return helper.make_graph(
        nodes,
        "cnn_digits",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])],
        inits,
    )


def onnx_accuracy(path: Path, x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of the saved model, evaluated sample by sample with onnx's
    reference evaluator (so the files, not the training code, are checked)."""
    from onnx.reference import ReferenceEvaluator

    sess = ReferenceEvaluator(str(path))
    name = sess.input_names[0]
    correct = 0
    for xi, yi in zip(x, y, strict=True):
        (out,) = sess.run(None, {name: xi})
        correct += int(np.argmax(out) == yi)
    return correct / len(y)


def main() -> None:
    x_train, x_test, y_train, y_test = load_split()
    np.savez(HERE / "digits_heldout.npz", X=x_test, y=y_test)

    mlp_graph, clf = build_mlp(x_train, y_train)
    save_model(mlp_graph, HERE / "mlp_digits.onnx")
    np.save(HERE / "mlp_digits_input.npy", x_test[:N_SAMPLES].reshape(-1, 1, 64))
    np.save(HERE / "mlp_digits_calib.npy", x_train[:N_CALIB].reshape(-1, 1, 64))

    net = train_cnn(x_train, y_train)
    save_model(build_cnn(net), HERE / "cnn_digits.onnx")
    np.save(HERE / "cnn_digits_input.npy", x_test[:N_SAMPLES].reshape(-1, 1, 1, 8, 8))
    np.save(HERE / "cnn_digits_calib.npy", x_train[:N_CALIB].reshape(-1, 1, 1, 8, 8))

    for name in ("mlp_digits", "cnn_digits"):
        shape = (1, 64) if name == "mlp_digits" else (1, 1, 8, 8)
        acc = onnx_accuracy(HERE / f"{name}.onnx", x_test.reshape(-1, *shape), y_test)
        print(f"{name}.onnx: held-out accuracy {acc:.4f} on {len(y_test)} samples")


if __name__ == "__main__":
    main()
