"""The nnconv command line."""

from __future__ import annotations

import subprocess
import sys

from nnconv.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nnconv.cli", *args], capture_output=True, text=True)


def test_demo_trains_in_both_conventions_and_checks_exactness() -> None:
    result = run("demo", "--epochs", "5")
    assert result.returncode == 0, result.stderr
    assert "rowmajor: cost" in result.stdout and "colmajor: cost" in result.stdout
    assert "is the bitwise transpose" in result.stdout
    accuracy = float(result.stdout.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 85
    assert "epoch" in result.stderr  # the progress bar


def test_shapes_prints_both_conventions_side_by_side(capsys) -> None:
    assert main(["shapes", "784", "256", "10", "--m", "128"]) == 0
    out = capsys.readouterr().out
    assert "W[1]              (784, 256)      (256, 784)" in out
    assert "(128, 784)" in out and "(784, 128)" in out and "(1, 10)" in out and "(10, 1)" in out


def test_train_one_convention_with_options(tmp_path, capsys) -> None:
    path = tmp_path / "p.npz"
    code = main(["train", "--data", "breast_cancer", "--hidden", "8", "4", "--activations", "tanh", "leaky_relu",
                 "--convention", "deeplearning.ai", "--epochs", "5", "--learning-rate", "0.1",
                 "--batch-size", "64", "--seed", "1", "--save", str(path)])
    out = capsys.readouterr().out
    assert code == 0 and "colmajor: cost" in out and "rowmajor" not in out.split("loss bce")[1]
    import nnconv

    params = nnconv.load(path, "colmajor")
    assert params["W1"].shape == (8, 30) and params["W3"].shape == (1, 4)


def test_bad_names_exit_with_a_message(capsys) -> None:
    assert main(["train", "--convention", "fortran", "--epochs", "1"]) == 2
    assert "unknown convention 'fortran'" in capsys.readouterr().err
    assert main(["train", "--hidden", "8", "4", "--activations", "relu", "tanh", "sigmoid"]) == 2
    assert "one per hidden layer" in capsys.readouterr().err
    assert main(["train", "--activations", "swish", "--epochs", "1"]) == 2
    assert "swish" in capsys.readouterr().err
