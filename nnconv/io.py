"""Saving and loading parameters as .npz files that record their convention.

A file holds one array per parameter (W1, b1, ..., WL, bL, as the convention stores them) and a
string array ``__convention__``. :func:`load` never unpickles, refuses anything that is not
such a file with a ValueError that says what is wrong, and returns the parameters bit for bit,
transposed when they were saved in the other convention.
"""

from __future__ import annotations

import os
import struct
import tempfile
import zipfile
import zlib
from typing import Any

import numpy as np

from .aliases import lookup
from .errors import check_stored_params
from .layout import transpose
from .types import Convention, Params

CONVENTION_KEY = "__convention__"
DAMAGE = (OSError, EOFError, zipfile.BadZipFile, zlib.error, struct.error, NotImplementedError, RuntimeError)
"""What reading a damaged zip archive raises, besides ValueError (zipfile and zlib, as of
Python 3.10–3.13: bad headers, unknown compression methods or versions, encryption flags)."""


def save(path: str | os.PathLike[str], params: Params, convention: str | Convention) -> None:
    """Write ``params`` to an uncompressed .npz file at ``path``, with the name of their
    ``convention``.

    ``path`` is used as given (no ``.npz`` is appended). The parameters are checked first
    (keys W1, b1, ..., WL, bL, 2-D real arrays whose shapes chain in ``convention``: saving
    rowmajor parameters under the name colmajor raises :class:`~nnconv.ShapeError`), and the
    file is written to a temporary name and then renamed, so a failed save leaves no partial
    file and an existing file intact. NaN and inf are stored as they are. The file can be read
    with ``np.load(path)`` anywhere and with :func:`load` in either convention.
    """
    name = lookup(convention, "nnconv.save").NAME
    arrays: dict[str, Any] = check_stored_params("nnconv.save", name, params)
    arrays[CONVENTION_KEY] = np.array(name)
    directory = os.path.dirname(os.fspath(path)) or "."
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".nnconv-", suffix=".npz", delete=False) as file:
        try:
            np.savez(file, allow_pickle=False, **arrays)
        except BaseException:
            file.close()
            os.unlink(file.name)
            raise
    os.replace(file.name, path)


def load(path: str | os.PathLike[str], convention: str | Convention) -> Params:
    """Read parameters written by :func:`save`, in ``convention``.

    Parameters saved in the other convention are transposed (``.T`` views, the canonical
    layout of ``convention``), bit for bit. Never unpickles: a file that holds Python objects
    is refused with a ValueError, as is a truncated or corrupt file, or one that was not
    written by :func:`save`. A missing file raises FileNotFoundError.
    """
    name = lookup(convention, "nnconv.load").NAME
    where = f"nnconv.load: {os.fspath(path)!r}"
    try:
        data = np.load(path, allow_pickle=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except ValueError as error:  # a pickle, or no NumPy format at all
        raise ValueError(f"{where} is not an .npz file written by nnconv.save (NumPy says: "
                         f"{error}); nnconv never unpickles") from None
    except DAMAGE as error:
        raise ValueError(f"{where} is not a readable .npz file ({error!r})") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"{where} holds a single array, not the .npz of parameters that "
                         "nnconv.save writes")
    with data:
        try:
            arrays = {key: data[key] for key in data.files}
        except ValueError as error:
            if "allow_pickle" in str(error):
                raise ValueError(f"{where} holds an array of Python objects, which only unpickling "
                                 "could read; nnconv never unpickles") from None
            raise ValueError(f"{where} is truncated or corrupt ({error})") from None
        except DAMAGE as error:
            raise ValueError(f"{where} is truncated or corrupt ({error!r})") from None
    foreign = [key for key, value in arrays.items() if not isinstance(value, np.ndarray)]
    if foreign:
        raise ValueError(f"{where} holds {', '.join(map(repr, foreign))}, which are not NumPy arrays; "
                         "it was not written by nnconv.save")
    saved = arrays.pop(CONVENTION_KEY, None)
    if saved is None:
        raise ValueError(f"{where} has no {CONVENTION_KEY!r} entry; it was not written by nnconv.save")
    if saved.dtype.kind != "U" or saved.shape != () or str(saved) not in ("rowmajor", "colmajor"):
        raise ValueError(f"{where} records an unknown convention {saved!r}")
    check_stored_params(where, str(saved), arrays)
    return transpose(arrays) if str(saved) != name else arrays
