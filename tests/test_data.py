"""The data loaders: the digits split, and MNIST and CIFAR-10 from small files in real formats."""
import gzip
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest

from cnn_ref.data import (CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCHES, MNIST_FILES, Dataset,
                          load_cifar10, load_dataset, load_digits_split, load_mnist)

# --- digits ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def test_digits_shapes_dtypes_and_range(digits):
    assert isinstance(digits, Dataset) and digits.name == "digits"
    assert digits.x_train.shape[1:] == digits.x_test.shape[1:] == (1, 8, 8)
    assert len(digits.x_train) == len(digits.y_train)
    assert len(digits.x_test) == len(digits.y_test)
    assert len(digits.x_train) + len(digits.x_test) == 1797
    assert len(digits.x_test) == pytest.approx(0.2 * 1797, abs=1)
    assert digits.x_train.dtype == digits.x_test.dtype == np.float32
    assert digits.y_train.dtype == digits.y_test.dtype == np.int64
    for x in (digits.x_train, digits.x_test):
        assert x.min() == 0.0 and x.max() == 1.0


def test_digits_split_is_stratified(digits):
    train_share = np.bincount(digits.y_train, minlength=10) / len(digits.y_train)
    test_share = np.bincount(digits.y_test, minlength=10) / len(digits.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)


def test_digits_split_is_deterministic(digits):
    again = load_digits_split()
    for first, second in zip(digits[1:], again[1:]):
        np.testing.assert_array_equal(first, second)
    other = load_digits_split(seed=1)
    assert not np.array_equal(digits.y_test, other.y_test)


def test_digits_test_fraction():
    split = load_digits_split(test_fraction=0.5)
    assert abs(len(split.y_train) - len(split.y_test)) <= 1


# --- MNIST ----------------------------------------------------------------------------------


def idx_bytes(array, magic):
    """`array` (uint8) in the IDX format: big-endian magic, dims, then the bytes."""
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def write_mnist(folder, n_train=5, n_test=3, side=28, gzipped=False, seed=0):
    """Writes the four MNIST files to `folder`; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, side, side), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, side, side), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in arrays.items():
        data = idx_bytes(array, 0x803 if array.ndim == 3 else 0x801)
        name = MNIST_FILES[key]
        if gzipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return arrays


@pytest.mark.parametrize("gzipped", [False, True])
def test_mnist_round_trips(tmp_path, gzipped):
    arrays = write_mnist(tmp_path, gzipped=gzipped)
    data = load_mnist(tmp_path)
    assert data.name == "mnist"
    assert data.x_train.shape == (5, 1, 28, 28) and data.x_test.shape == (3, 1, 28, 28)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    np.testing.assert_array_equal(data.x_train[:, 0],
                                  arrays["train_images"].astype(np.float32) / 255)
    np.testing.assert_array_equal(data.x_test[:, 0], arrays["test_images"].astype(np.float32) / 255)
    np.testing.assert_array_equal(data.y_train, arrays["train_labels"])
    np.testing.assert_array_equal(data.y_test, arrays["test_labels"])


def test_mnist_takes_the_image_size_from_the_header(tmp_path):
    write_mnist(tmp_path, side=7)
    assert load_mnist(tmp_path).x_train.shape == (5, 1, 7, 7)


def test_mnist_mixes_plain_and_gzipped_files(tmp_path):
    arrays = write_mnist(tmp_path)
    name = MNIST_FILES["test_labels"]
    path = tmp_path / name
    (tmp_path / f"{name}.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    np.testing.assert_array_equal(load_mnist(tmp_path).y_test, arrays["test_labels"])


def test_mnist_missing_file(tmp_path):
    write_mnist(tmp_path)
    name = MNIST_FILES["train_labels"]
    (tmp_path / name).unlink()
    with pytest.raises(FileNotFoundError, match=re.escape(name)) as info:
        load_mnist(tmp_path)
    assert str(tmp_path) in str(info.value) and ".gz" in str(info.value)


def corrupt(folder, key, change):
    """Rewrites MNIST file `key` in `folder` as change(its bytes); returns its name."""
    path = folder / MNIST_FILES[key]
    path.write_bytes(change(path.read_bytes()))
    return path.name


@pytest.mark.parametrize("key, change, problem", [
    ("train_images", lambda b: b"\x00\x00\x08\x01" + b[4:], "magic"),
    ("test_labels", lambda b: b"\x00\x00\x08\x03" + b[4:], "magic"),
    ("train_images", lambda b: b[:-1], "truncated"),
    ("train_images", lambda b: b[:10], "truncated"),
    ("test_labels", lambda b: b[:3], "truncated"),
    ("test_images", lambda b: b + b"\x00", "trailing"),
])
def test_mnist_malformed_file(tmp_path, key, change, problem):
    write_mnist(tmp_path)
    name = corrupt(tmp_path, key, change)
    with pytest.raises(ValueError, match=rf"{re.escape(name)}.*{problem}"):
        load_mnist(tmp_path)


def test_mnist_count_mismatch(tmp_path):
    write_mnist(tmp_path)
    labels = np.zeros(4, dtype=np.uint8)  # 5 train images
    name = corrupt(tmp_path, "train_labels", lambda _: idx_bytes(labels, 0x801))
    with pytest.raises(ValueError, match=re.escape(name)):
        load_mnist(tmp_path)


@pytest.mark.parametrize("change", [
    lambda b: b"not gzip at all",
    lambda b: b[: len(b) // 2],  # cut short
    lambda b: b[:12] + bytes(x ^ 0xFF for x in b[12:]),  # deflate stream garbled
])
def test_mnist_corrupt_gzip(tmp_path, change):
    write_mnist(tmp_path, gzipped=True)
    path = tmp_path / f"{MNIST_FILES['test_images']}.gz"
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(ValueError, match=re.escape(path.name)):
        load_mnist(tmp_path)


# --- CIFAR-10 -------------------------------------------------------------------------------


def write_cifar(folder, per_batch=4, seed=0):
    """Writes the six CIFAR-10 python batches to `folder`; returns {name: (data, labels)}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in (*CIFAR_TRAIN_BATCHES, CIFAR_TEST_BATCH):
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(label) for label in rng.integers(0, 10, per_batch)]
        batch = {b"batch_label": name.encode(), b"labels": labels, b"data": data,
                 b"filenames": [f"img_{i}.png".encode() for i in range(per_batch)]}
        with (folder / name).open("wb") as f:
            pickle.dump(batch, f)
        written[name] = data, labels
    return written


@pytest.fixture
def cifar_root(tmp_path):
    """(parent folder, the batches written into parent/cifar-10-batches-py)."""
    return tmp_path, write_cifar(tmp_path / "cifar-10-batches-py")


@pytest.mark.parametrize("inner", [True, False])
def test_cifar_round_trips_channel_planes(cifar_root, inner):
    root, written = cifar_root
    data = load_cifar10(root / "cifar-10-batches-py" if inner else root)
    assert data.name == "cifar10"
    assert data.x_train.shape == (20, 3, 32, 32) and data.x_test.shape == (4, 3, 32, 32)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    raw, labels = written["data_batch_2"]
    n, c, i, j = 3, 1, 5, 17
    assert data.x_train[4 + n, c, i, j] == np.float32(raw[n, c * 1024 + i * 32 + j]) / 255
    expected = np.concatenate([written[name][0] for name in CIFAR_TRAIN_BATCHES])
    np.testing.assert_array_equal(data.x_train.reshape(20, -1), expected.astype(np.float32) / 255)
    np.testing.assert_array_equal(data.y_train[4:8], labels)
    np.testing.assert_array_equal(data.y_test, written[CIFAR_TEST_BATCH][1])


def test_cifar_missing_batch(cifar_root):
    root, _ = cifar_root
    (root / "cifar-10-batches-py" / "data_batch_4").unlink()
    with pytest.raises(FileNotFoundError, match="data_batch_4") as info:
        load_cifar10(root)
    assert "cifar-10-batches-py" in str(info.value) and "test_batch" in str(info.value)


def rewrite_batch(path, batch):
    with path.open("wb") as f:
        pickle.dump(batch, f)


@pytest.mark.parametrize("batch, problem", [
    ([1, 2, 3], "dict"),
    ({b"labels": [0] * 4}, "b'data'"),
    ({b"data": np.zeros((4, 3072), np.uint8)}, "b'labels'"),
    ({b"data": np.zeros((4, 3071), np.uint8), b"labels": [0] * 4}, "3072"),
    ({b"data": np.zeros((4, 3072), np.float32), b"labels": [0] * 4}, "uint8"),
    ({b"data": np.zeros((4, 3072), np.uint8), b"labels": [0] * 3}, "labels"),
    ({b"data": np.zeros((4, 3072), np.uint8), b"labels": [0, 1, 2, 10]}, "0..9"),
])
def test_cifar_malformed_batch(cifar_root, batch, problem):
    root, _ = cifar_root
    path = root / "cifar-10-batches-py" / "test_batch"
    rewrite_batch(path, batch)
    with pytest.raises(ValueError, match=rf"test_batch.*{re.escape(problem)}"):
        load_cifar10(root)


def test_cifar_not_a_pickle(cifar_root):
    root, _ = cifar_root
    (root / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"\x00 definitely not a pickle")
    with pytest.raises(ValueError, match="data_batch_1.*not a CIFAR-10 pickle"):
        load_cifar10(root)


# --- load_dataset ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, "digits"])
def test_load_dataset_digits(digits, name):
    data = load_dataset(name)
    assert data.name == "digits"
    np.testing.assert_array_equal(data.y_test, digits.y_test)


@pytest.mark.parametrize("gzipped", [False, True])
def test_load_dataset_mnist(tmp_path, gzipped):
    write_mnist(tmp_path, gzipped=gzipped)
    assert load_dataset(tmp_path).name == "mnist"
    assert load_dataset(str(tmp_path)).x_train.shape == (5, 1, 28, 28)


def test_load_dataset_cifar10_both_folder_forms(cifar_root):
    root, _ = cifar_root
    assert load_dataset(root).name == "cifar10"
    assert load_dataset(root / "cifar-10-batches-py").x_test.shape == (4, 3, 32, 32)


def test_load_dataset_partial_mnist_names_the_missing_file(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / MNIST_FILES["test_images"]).unlink()
    with pytest.raises(FileNotFoundError, match=MNIST_FILES["test_images"]):
        load_dataset(tmp_path)


@pytest.mark.parametrize("argument", ["mnist", "no/such/folder", "EMPTY"])
def test_load_dataset_unknown(tmp_path, argument):
    if argument == "EMPTY":
        argument = tmp_path
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.*data_batch_1"):
        load_dataset(argument)


def test_data_module_does_not_import_torch():
    code = "import sys, cnn_ref.data; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
