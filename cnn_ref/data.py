"""The data sets that `cnn_model` is graded on: scikit-learn's 8x8 digits, MNIST and CIFAR-10.

Every loader returns a `Dataset` of float32 images in [0, 1], layout (N, C, H, W), and int64
labels (N,). The digits ship with scikit-learn, so the default works offline; MNIST and CIFAR-10
are read from files an instructor puts on disk, in their original formats (IDX files, python
pickle batches), parsed here with NumPy alone.

This module must not import torch: the grader loads data in processes that have to stay light.
"""
import gzip
import pickle
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# IDX magic numbers: two zero bytes, a type code (0x08 = unsigned byte), the number of dims.
IDX_IMAGES_MAGIC = 0x00000803
IDX_LABELS_MAGIC = 0x00000801

CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST_BATCH = "test_batch"
CIFAR_SIDE = 32
CIFAR_CLASSES = 10


class Dataset(NamedTuple):
    """A train / held-out split: images float32 (N, C, H, W) in [0, 1], labels int64 (N,)."""
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _to_unit(pixels, maximum):
    """Integer pixels 0..maximum (any shape) -> float32 in [0, 1], same shape."""
    return pixels.astype(np.float32) / np.float32(maximum)


def load_digits_split(seed=0, test_fraction=0.2):
    """scikit-learn's 8x8 digits, split into train and test, stratified by class.

    -> Dataset("digits", x (N, 1, 8, 8) float32, y (N,) int64), 1797 images in all.
    The same seed and test_fraction always give the same split.
    """
    # Imported here, not at the top: scikit-learn takes a second to import, and the MNIST and
    # CIFAR-10 loaders do not need it.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = _to_unit(digits.data, 16).reshape(-1, 1, 8, 8)  # pixels are 0..16
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y)
    return Dataset("digits", x_train, y_train, x_test, y_test)


def _find_idx(folder, name):
    """The path of MNIST file `name` in `folder`, plain or gzipped (name + ".gz")."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    expected = ", ".join(MNIST_FILES.values())
    raise FileNotFoundError(
        f"MNIST file {name!r} (or {name}.gz) not found in {folder}; expected the four IDX "
        f"files {expected}, each plain or gzipped")


def _idx_bytes(path):
    """The raw IDX bytes of `path`, gunzipped when its name ends in .gz."""
    raw = path.read_bytes()
    if path.suffix != ".gz":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:  # not gzip, cut short, or corrupt
        raise ValueError(f"{path} is not a valid gzip file: {error}") from error


def _read_idx(path, magic, ndim):
    """An unsigned-byte IDX file -> uint8 array with the dims its header gives.

    Header (big-endian): magic (uint32), then `ndim` dims (uint32 each); then prod(dims) bytes.
    """
    data = _idx_bytes(path)
    header_size = 4 * (1 + ndim)
    if len(data) < header_size:
        raise ValueError(f"{path} is truncated: {len(data)} bytes, shorter than its "
                         f"{header_size}-byte IDX header")
    header = np.frombuffer(data, dtype=">u4", count=1 + ndim)
    if header[0] != magic:
        raise ValueError(f"{path} has IDX magic number 0x{int(header[0]):08x}, expected "
                         f"0x{magic:08x} (unsigned bytes, {ndim} dims)")
    dims = tuple(int(d) for d in header[1:])
    expected = header_size + int(np.prod(dims))
    if len(data) != expected:
        problem = "is truncated" if len(data) < expected else "has trailing bytes"
        raise ValueError(f"{path} {problem}: {len(data)} bytes, but its header {dims} "
                         f"promises {expected}")
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims)


def _mnist_split(folder, images_name, labels_name):
    """One MNIST split -> (images float32 (N, 1, H, W), labels int64 (N,))."""
    images_path = _find_idx(folder, images_name)
    labels_path = _find_idx(folder, labels_name)
    images = _read_idx(images_path, IDX_IMAGES_MAGIC, 3)
    labels = _read_idx(labels_path, IDX_LABELS_MAGIC, 1)
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds "
                         f"{len(labels)} labels")
    return _to_unit(images, 255)[:, None], labels.astype(np.int64)


def load_mnist(folder):
    """MNIST from its four IDX files in `folder`, each plain or gzipped.

    -> Dataset("mnist", x (N, 1, H, W) float32, y (N,) int64): 60,000 train and 10,000 test
    images of 28x28 for the real files.
    """
    folder = Path(folder)
    x_train, y_train = _mnist_split(folder, MNIST_FILES["train_images"],
                                    MNIST_FILES["train_labels"])
    x_test, y_test = _mnist_split(folder, MNIST_FILES["test_images"], MNIST_FILES["test_labels"])
    return Dataset("mnist", x_train, y_train, x_test, y_test)


def _cifar_folder(folder):
    """The folder holding the CIFAR-10 batches: `folder` itself or its cifar-10-batches-py."""
    inner = folder / CIFAR_FOLDER
    if not (folder / CIFAR_TEST_BATCH).is_file() and inner.is_dir():
        return inner
    return folder


def _read_cifar_batch(path):
    """One CIFAR-10 python batch -> (uint8 (n, 3072), int64 (n,)).

    These pickles are instructor-provided files, read by the grader process only, never by
    student code: unpickling runs whatever the file says, so it must only see trusted files.
    """
    if not path.is_file():
        raise FileNotFoundError(
            f"CIFAR-10 batch {path.name!r} not found in {path.parent}; expected "
            f"{', '.join(CIFAR_TRAIN_BATCHES)} and {CIFAR_TEST_BATCH} of the python version "
            f"({CIFAR_FOLDER})")
    with path.open("rb") as f:
        try:
            batch = pickle.load(f, encoding="bytes")
        except Exception as error:  # pickle fails in many ways on a foreign file
            raise ValueError(f"{path} is not a CIFAR-10 pickle: {error!r}") from error
    if not isinstance(batch, dict):
        raise ValueError(f"{path} holds a {type(batch).__name__}, expected a dict")
    missing = [key for key in (b"data", b"labels") if key not in batch]
    if missing:
        raise ValueError(f"{path} lacks the keys {missing}, expected b'data' and b'labels'")
    return _check_cifar_arrays(path, np.asarray(batch[b"data"]), np.asarray(batch[b"labels"]))


def _check_cifar_arrays(path, data, labels):
    """data uint8 (n, 3072) and labels (n,) in 0..9 from batch `path`, or a ValueError."""
    row = 3 * CIFAR_SIDE * CIFAR_SIDE
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != row:
        raise ValueError(f"{path}: b'data' must be uint8 of shape (n, {row}), got "
                         f"{data.dtype} {data.shape}")
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise ValueError(f"{path}: b'labels' must be {len(data)} ints, one per image, got "
                         f"{labels.dtype} {labels.shape}")
    if labels.min(initial=0) < 0 or labels.max(initial=0) >= CIFAR_CLASSES:
        raise ValueError(f"{path}: b'labels' must lie in 0..{CIFAR_CLASSES - 1}")
    return data, labels.astype(np.int64)


def _cifar_split(folder, names):
    """Batches `names` of `folder`, concatenated -> (float32 (N, 3, 32, 32), int64 (N,))."""
    batches = [_read_cifar_batch(folder / name) for name in names]
    data = np.concatenate([data for data, _ in batches])
    labels = np.concatenate([labels for _, labels in batches])
    # Each row is three channel planes R, G, B, each 32x32 row-major: exactly NCHW.
    return _to_unit(data, 255).reshape(-1, 3, CIFAR_SIDE, CIFAR_SIDE), labels


def load_cifar10(folder):
    """CIFAR-10's python batches from `folder`, the cifar-10-batches-py folder or its parent.

    -> Dataset("cifar10", x (N, 3, 32, 32) float32, y (N,) int64): 50,000 train and 10,000 test
    images for the real files.
    """
    folder = _cifar_folder(Path(folder))
    x_train, y_train = _cifar_split(folder, CIFAR_TRAIN_BATCHES)
    x_test, y_test = _cifar_split(folder, (CIFAR_TEST_BATCH,))
    return Dataset("cifar10", x_train, y_train, x_test, y_test)


def _looks_like_mnist(folder):
    """True when `folder` holds any of MNIST's IDX files, plain or gzipped."""
    return any((folder / name).is_file() or (folder / f"{name}.gz").is_file()
               for name in MNIST_FILES.values())


def _looks_like_cifar10(folder):
    """True when `folder` or its cifar-10-batches-py holds any CIFAR-10 batch."""
    inner = _cifar_folder(folder)
    return any((inner / name).is_file() for name in (*CIFAR_TRAIN_BATCHES, CIFAR_TEST_BATCH))


def load_dataset(name_or_folder=None):
    """None or "digits" -> `load_digits_split()`; a folder -> MNIST or CIFAR-10, found by its files.

    A folder with only some of a data set's files fails in that loader, naming the missing file.
    """
    if name_or_folder is None or name_or_folder == "digits":
        return load_digits_split()
    folder = Path(name_or_folder)
    if folder.is_dir() and _looks_like_mnist(folder):
        return load_mnist(folder)
    if folder.is_dir() and _looks_like_cifar10(folder):
        return load_cifar10(folder)
    raise ValueError(
        f"{str(name_or_folder)!r} is neither 'digits' nor a folder holding a known data set; "
        f"expected MNIST's IDX files ({', '.join(MNIST_FILES.values())}, plain or .gz) or "
        f"CIFAR-10's python batches ({', '.join(CIFAR_TRAIN_BATCHES)}, {CIFAR_TEST_BATCH}), "
        f"directly or in {CIFAR_FOLDER}/")
