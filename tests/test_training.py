"""End to end: real digits, each run with a fixed seed and well inside a minute.

Times measured on two cores shared with other work: the digits CNN 3 to 12 s,
overfitting 20 examples well under 1 s, E9 on 8,000 MNIST images 10 to 20 s,
the train_mnist script on 500 images 2 to 7 s.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import cnnlib as cl
from cnnlib.datasets import load_digits, load_mnist
from cnnlib.train_mnist import digit_classifier

ROOT = Path(__file__).resolve().parents[1]
# Run the script with this checkout's cnnlib, whatever is installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
# The MNIST test set that ships with the repository.
BUNDLED_MNIST = ROOT / "data" / "mnist"


def test_a_small_cnn_learns_the_digits():
    (x_train, y_train), (x_test, y_test) = load_digits()
    model = cl.Sequential(
        [
            cl.Conv2D(32, 3, padding="same", activation="relu"),
            cl.BatchNormalization(),
            cl.MaxPooling2D(2),
            cl.Conv2D(64, 3, padding="same", activation="relu"),
            cl.MaxPooling2D(2),
            cl.Flatten(),
            cl.Dense(64, activation="relu"),
            cl.Dense(10, activation="softmax"),
        ],
        input_shape=(8, 8, 1),
        seed=0,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=20, batch_size=32, seed=0, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(x_test, y_test)
    assert accuracy >= 0.97


def test_twenty_examples_are_learned_by_heart():
    (x_train, y_train), _ = load_digits()
    x, y = x_train[:20], y_train[:20]
    model = cl.Sequential(
        [
            cl.Conv2D(16, 3, padding="same", activation="relu"),
            cl.Flatten(),
            cl.Dense(10, activation="softmax"),
        ],
        input_shape=(8, 8, 1),
        seed=0,
    )
    model.compile(cl.Adam(learning_rate=0.01), "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=50, batch_size=20, verbose=0)
    loss, accuracy = model.evaluate(x, y)
    assert accuracy == 1.0
    assert loss < 0.01


def test_the_readme_example_runs(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    example = next(block for block in blocks if "model.fit" in block)
    namespace = {"cl": cl}
    exec(example, namespace)
    assert " Total params: 5,450 (21.29 KB)" in capsys.readouterr().out
    (_, _), (x_test, y_test) = load_digits()
    _, accuracy = namespace["model"].evaluate(x_test, y_test)
    assert accuracy >= 0.95


def test_the_script_builds_the_seed_digit_classifier_e9():
    rows = digit_classifier().summary_rows()
    assert [r.type for r in rows] == [
        "Conv2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert [r.params for r in rows] == [320, 18_496, 0, 0, 1_179_776, 1_290]


def test_e9_learns_real_mnist_from_8000_images():
    x, y = load_mnist(BUNDLED_MNIST, subset="test", download=False)
    model = digit_classifier(seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:8000], y[:8000], epochs=1, batch_size=32, seed=0, verbose=0)
    _, accuracy = model.evaluate(x[8000:], y[8000:], batch_size=500)
    assert accuracy >= 0.95


def test_the_train_mnist_script_trains_saves_and_reports(tmp_path):
    output = tmp_path / "e9.npz"
    command = [
        sys.executable,
        "-m",
        "cnnlib.train_mnist",
        "--data-dir",
        str(BUNDLED_MNIST),
        "--no-download",  # the training files are absent: it falls back to the test set
        "--limit",
        "500",
        "--epochs",
        "1",
        "--batch-size",
        "50",
        "--output",
        str(output),
        "--no-progress",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Falling back to the test set only" in result.stdout
    assert "training on 500 images" in result.stdout
    assert "Epoch 1/1 - loss: " in result.stdout
    match = re.search(r"test accuracy: (\d\.\d{4})", result.stdout)
    assert match, result.stdout
    model = cl.load_model(output)
    x, y = load_mnist(BUNDLED_MNIST, subset="test", download=False)
    _, accuracy = model.evaluate(x[8000:], y[8000:], batch_size=500)
    assert f"{accuracy:.4f}" == match.group(1)
    assert accuracy > 0.5


def test_the_script_rejects_bad_options():
    for option in ("--epochs=0", "--limit=-1"):
        result = subprocess.run(
            [sys.executable, "-m", "cnnlib.train_mnist", option],
            capture_output=True,
            text=True,
            env=ENV,
        )
        assert result.returncode == 2
        assert "must be at least 1" in result.stderr


def test_test_only_split_is_documented_in_the_help():
    result = subprocess.run(
        [sys.executable, "-m", "cnnlib.train_mnist", "--help"],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert "--test-only" in result.stdout and "8,000" in result.stdout
    assert np.all(
        [
            opt in result.stdout
            for opt in (
                "--epochs",
                "--batch-size",
                "--data-dir",
                "--limit",
                "--output",
                "--seed",
                "--no-progress",
            )
        ]
    )
