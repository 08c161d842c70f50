"""Saving and loading parameters as .npz files that record their convention."""

from __future__ import annotations

import os
import zipfile
from typing import Any

import numpy as np

from .layout import transpose
from .types import Convention, Params

CONVENTION_KEY = "__convention__"


def _name(convention: str | Convention) -> str:
    from .aliases import convention as lookup

    return lookup(convention).NAME


def save(path: str | os.PathLike[str], params: Params, convention: str | Convention) -> None:
    """Write ``params`` to an uncompressed .npz file, with the name of their ``convention``.

    The file holds one array per parameter and a string array ``__convention__``; it can be
    read with ``np.load(path)`` anywhere and with :func:`load` in either convention.
    """
    name = _name(convention)
    arrays: dict[str, Any] = {key: np.asarray(value) for key, value in params.items()}
    if CONVENTION_KEY in arrays:
        raise ValueError(f"save: {CONVENTION_KEY!r} is reserved and cannot be a parameter name")
    arrays[CONVENTION_KEY] = np.array(name)
    np.savez(path, **arrays)


def load(path: str | os.PathLike[str], convention: str | Convention) -> Params:
    """Read parameters written by :func:`save`, in ``convention``.

    Parameters saved in the other convention are transposed, bit for bit. Never unpickles: a
    file that holds Python objects is refused with a ValueError, as is a file that is not a
    parameter file written by :func:`save`.
    """
    name = _name(convention)
    try:
        with np.load(path, allow_pickle=False) as data:
            if CONVENTION_KEY not in data.files:
                raise ValueError(f"load: {os.fspath(path)!r} has no {CONVENTION_KEY!r} entry; "
                                 "it was not written by nnconv.save")
            saved = str(data[CONVENTION_KEY])
            params = {key: data[key] for key in data.files if key != CONVENTION_KEY}
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"load: {os.fspath(path)!r} is not a readable .npz file ({error})") from error
    if saved not in ("rowmajor", "colmajor"):
        raise ValueError(f"load: {os.fspath(path)!r} records an unknown convention {saved!r}")
    return transpose(params) if saved != name else params
