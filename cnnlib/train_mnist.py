"""Train the seed digit classifier (worked example E9) on MNIST from the command line.

    python -m cnnlib.train_mnist --epochs 2 --output mnist_cnn.npz

It loads MNIST with :func:`cnnlib.datasets.load_mnist` (downloading missing
files), trains the E9 network with Adam and a progress bar, prints the test
accuracy and saves the model (reload it with :func:`cnnlib.load_model`).

Only the test set at hand? MNIST's 10,000 test images (the two ``t10k``
files) are enough for a quick run: with ``--test-only`` the first 8,000 of
them train the network and the last 2,000 test it. Without ``--test-only``
the script needs the 60,000 training images; if their files are missing and
cannot be downloaded (or ``--no-download`` is given), it says so and falls
back to the same split of the test set.
"""

from __future__ import annotations

import argparse
import sys

from cnnlib.datasets import load_mnist
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPooling2D
from cnnlib.model import Sequential
from cnnlib.optimizers import Adam
from cnnlib.saving import check_save_path

TEST_ONLY_TRAIN = 8000  # with --test-only: test images 0..7999 train, 8000..9999 test


def digit_classifier(seed=0, dtype="float32") -> Sequential:
    """The seeds' digit classifier E9: 28×28×1 → two 3×3 convolutions → max pool → 128 → 10.

    Output shapes: 26×26×32, 24×24×64, 12×12×64, 9216, 128, 10; 1,199,882 parameters.
    """
    return Sequential(
        [
            Conv2D(32, (3, 3), activation="relu"),
            Conv2D(64, (3, 3), activation="relu"),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ],
        input_shape=(28, 28, 1),
        seed=seed,
        dtype=dtype,
    )


def parse_args(argv=None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m cnnlib.train_mnist",
        description="Train the seeds' digit classifier (E9) on MNIST and save it.",
    )
    parser.add_argument("--epochs", type=int, default=2, help="passes over the training images")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step")
    parser.add_argument("--learning-rate", type=float, default=0.001, help="Adam's step size")
    parser.add_argument(
        "--data-dir", default=None, help="folder of the MNIST files (default: load_mnist's)"
    )
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images")
    parser.add_argument("--output", default="mnist_cnn.npz", help="where to save the model")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and shuffling")
    parser.add_argument("--no-progress", action="store_true", help="one line per epoch, no bar")
    parser.add_argument(
        "--test-only",
        action="store_true",
        help=f"split the test set: the first {TEST_ONLY_TRAIN:,} images train, the rest test",
    )
    parser.add_argument("--no-download", action="store_true", help="never download")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "limit"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1; received {value}")
    try:  # before training, so that a trained model is never lost for a bad --output
        check_save_path(args.output)
    except (OSError, ValueError) as exc:
        parser.error(f"--output: {exc}")
    return args


def load_data(args):
    """``(x_train, y_train), (x_test, y_test)`` and a sentence saying where they come from."""
    if not args.test_only:
        try:
            data = load_mnist(args.data_dir, download=not args.no_download)
            return *data, "MNIST: 60,000 training and 10,000 test images"
        except (OSError, ImportError) as exc:
            print(f"The MNIST training files are not available ({exc}).")
            print("Falling back to the test set only, as with --test-only.")
    x, y = load_mnist(args.data_dir, subset="test", download=not args.no_download)
    train = (x[:TEST_ONLY_TRAIN], y[:TEST_ONLY_TRAIN])
    test = (x[TEST_ONLY_TRAIN:], y[TEST_ONLY_TRAIN:])
    return (
        train,
        test,
        (
            f"the MNIST test set only: images 1 to {TEST_ONLY_TRAIN:,} to train, "
            f"{TEST_ONLY_TRAIN + 1:,} to {len(x):,} to test"
        ),
    )


def main(argv=None) -> float:
    """Run the script; return the test accuracy."""
    args = parse_args(argv)
    (x_train, y_train), (x_test, y_test), source = load_data(args)
    if args.limit is not None:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    print(f"Data: {source}; training on {len(x_train):,} images.")
    model = digit_classifier(seed=args.seed)
    model.compile(Adam(args.learning_rate), "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(
        x_train,
        y_train,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        verbose=2 if args.no_progress else 1,
    )
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=500)
    print(f"test accuracy: {accuracy:.4f} (loss {loss:.4f}) on {len(x_test):,} images")
    model.save(args.output)
    print(f"Saved the model to {args.output}; reload it with cnnlib.load_model.")
    return accuracy


if __name__ == "__main__":
    main(sys.argv[1:])
