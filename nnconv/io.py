"""Saving and loading parameters as .npz files that record their convention.

A file holds one array per parameter (W1, b1, ..., WL, bL, as the convention stores them) and a
string array ``__convention__``. :func:`load` never unpickles, verifies every member's checksum
and declared size before it reads an array, refuses anything that is not such a file with a
ValueError that says what is wrong, and returns the parameters bit for bit, transposed when
they were saved in the other convention. :func:`save` leaves nothing behind when it fails.
"""

from __future__ import annotations

import contextlib
import math
import os
import struct
import tempfile
import zipfile
import zlib
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from .aliases import lookup
from .errors import check_stored_params
from .layout import transpose
from .types import Convention, Params

CONVENTION_KEY = "__convention__"
DAMAGE = (OSError, EOFError, zipfile.BadZipFile, zlib.error, struct.error, NotImplementedError, RuntimeError)
"""What reading a damaged zip archive raises, besides ValueError (zipfile and zlib, as of
Python 3.10–3.13: bad headers, unknown compression methods or versions, encryption flags)."""
DEFLATE_RATIO = 1032
"""The most that deflate expands: a member declaring more than this many bytes per stored byte
is corrupt (or a zip bomb)."""
HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
"""The .npy header versions NumPy writes for parameters (3.0 only serves non-Latin-1 field names)."""


def save(path: str | os.PathLike[str], params: Params, convention: str | Convention) -> None:
    """Write ``params`` to an uncompressed .npz file at ``path``, with the name of their
    ``convention``.

    ``path`` is used as given (no ``.npz`` is appended). The parameters are checked first
    (keys W1, b1, ..., WL, bL, 2-D real arrays whose shapes chain in ``convention``: saving
    rowmajor parameters under the name colmajor raises :class:`~nnconv.ShapeError`), and so is
    ``path`` (:func:`check_target`). The file is written to a temporary name in the same
    folder and then renamed, and the temporary file is removed whatever fails (a full disk,
    an interruption), so a failed save leaves nothing behind and an existing file intact.
    NaN and inf are stored as they are. The file can be read with ``np.load(path)`` anywhere
    and with :func:`load` in either convention.
    """
    name = lookup(convention, "nnconv.save").NAME
    arrays: dict[str, Any] = check_stored_params("nnconv.save", name, params)
    arrays[CONVENTION_KEY] = np.array(name)
    directory = check_target(path, "nnconv.save")
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".nnconv-", suffix=".npz")
    try:
        with os.fdopen(descriptor, "wb") as file:  # closes the descriptor even if writing fails
            np.savez(file, allow_pickle=False, **arrays)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def check_target(path: str | os.PathLike[str], where: str) -> str:
    """The folder that a file written to ``path`` goes in, once ``path`` is known to name a
    file in a folder that exists: an empty path is a ValueError, a folder (or a path ending
    in a separator) an IsADirectoryError, a missing folder a FileNotFoundError."""
    text = file_name(path, where)
    if not text:
        raise ValueError(f"{where}: the path is empty; give a file name such as 'params.npz'")
    if os.path.isdir(text) or text.endswith((os.sep, "/")):
        raise IsADirectoryError(f"{where}: {text!r} is a folder; give a file name in it, such as "
                                f"{os.path.join(text, 'params.npz')!r}")
    directory = os.path.dirname(text) or "."
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{where}: the folder {directory!r} does not exist; create it first")
    return directory


def file_name(path: Any, where: str) -> str:
    """``path`` (a str or an os.PathLike) as a str; anything else is a ValueError."""
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise ValueError(f"{where}: path must be a file name, a str or a pathlib.Path; got "
                         f"{type(path).__name__}")
    return os.fspath(path)


def load(path: str | os.PathLike[str], convention: str | Convention) -> Params:
    """Read parameters written by :func:`save`, in ``convention``.

    Parameters saved in the other convention are transposed (``.T`` views, the canonical
    layout of ``convention``), bit for bit; arrays stored in the other byte order (a file
    written on a big-endian machine) come back in this machine's, the same values. Nothing in
    the file is trusted before it is verified (:func:`read_npz`): every member's checksum, and
    the size that its header declares. Never unpickles: a file that holds Python objects is
    refused with a ValueError, as is a truncated or corrupt file, or one that was not written
    by :func:`save`. A missing file raises FileNotFoundError.
    """
    name = lookup(convention, "nnconv.load").NAME
    where = f"nnconv.load: {file_name(path, 'nnconv.load')!r}"
    with open(path, "rb") as file:
        arrays = read_npz(file, where)
    saved = arrays.pop(CONVENTION_KEY, None)
    if saved is None:
        raise ValueError(f"{where} has no {CONVENTION_KEY!r} entry; it was not written by nnconv.save")
    if saved.dtype.kind != "U" or saved.shape != () or str(saved) not in ("rowmajor", "colmajor"):
        raise ValueError(f"{where} records an unknown convention {saved!r}")
    check_stored_params(where, str(saved), arrays)
    return transpose(arrays) if str(saved) != name else arrays


def read_npz(file: BinaryIO, where: str) -> dict[str, npt.NDArray[Any]]:
    """The arrays of the .npz archive ``file``, each verified before it is read.

    zipfile checks a member's CRC-32 only when the member is read to its end, and NumPy reads
    exactly the bytes that a member's .npy header declares, so a damaged header would be read
    unchecked (a flipped bit in a shape gives another shape). Here, in order: the archive's
    directory is read; each member must be an .npy that lies inside the file; every member is
    read to its end, which checks its CRC-32; then each .npy header is parsed, and the bytes
    it declares (shape × item size) must be exactly the bytes the member holds, before
    anything is allocated. Any failure is a ValueError naming ``where``.
    """
    start = file.read(6)
    file.seek(0)
    if start.startswith(b"\x93NUMPY"):
        raise ValueError(f"{where} holds a single array, not the .npz of parameters that "
                         "nnconv.save writes")
    if not start.startswith(b"PK"):
        raise ValueError(f"{where} is not an .npz file written by nnconv.save (it does not start "
                         "as a zip archive; a pickle?); nnconv never unpickles")
    size = os.fstat(file.fileno()).st_size
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            foreign = [m.filename for m in members if not m.filename.endswith(".npy")]
            if foreign:
                raise ValueError(f"{where} holds {', '.join(map(repr, foreign))}, which are not NumPy "
                                 "arrays; it was not written by nnconv.save")
            for member in members:
                declared_size(member, size, where)
            damaged = archive.testzip()
            if damaged is not None:
                raise ValueError(f"{where} is corrupt: the checksum of {damaged!r} does not match "
                                 "its contents")
            return {member.filename[:-4]: read_member(archive, member, where) for member in members}
    except (*DAMAGE, ValueError) as error:
        if isinstance(error, ValueError) and str(error).startswith(where):
            raise  # refused above, with its reason
        raise ValueError(f"{where} is truncated or corrupt ({error!r})") from None


def declared_size(member: zipfile.ZipInfo, size: int, where: str) -> None:
    """Refuse a member whose stored bytes would lie outside the file, or whose declared
    uncompressed size does not fit its stored bytes."""
    stored = member.compress_size
    ratio = 1 if member.compress_type == zipfile.ZIP_STORED else DEFLATE_RATIO
    if member.header_offset + stored > size or member.file_size > stored * ratio:
        raise ValueError(f"{where} is truncated or corrupt: {member.filename!r} declares "
                         f"{member.file_size} bytes ({stored} stored) in a file of {size} bytes")


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> npt.NDArray[Any]:
    """The array in ``member``, whose checksum is verified, once its .npy header declares
    exactly the bytes that it holds."""
    with archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version not in HEADER_READERS:
                raise ValueError(f".npy format version {version}, which nnconv.save does not write")
            shape, _, dtype = HEADER_READERS[version](stream)
        except Exception as error:  # the header is untrusted input: any failure means corrupt
            raise ValueError(f"{where} is corrupt: {member.filename!r} has no valid .npy header "
                             f"({error})") from None
        if dtype.hasobject:
            raise ValueError(f"{where} holds an array of Python objects, which only unpickling "
                             "could read; nnconv never unpickles")
        declared = math.prod(shape) * dtype.itemsize
        if stream.tell() + declared != member.file_size:
            raise ValueError(f"{where} is corrupt: {member.filename!r} declares shape {shape} of "
                             f"{dtype} ({declared} bytes) but holds {member.file_size - stream.tell()}")
        stream.seek(0)
        array: npt.NDArray[Any] = np.lib.format.read_array(stream, allow_pickle=False)
    if not array.dtype.isnative:  # written on a big-endian machine: the same values, in this one's order
        array = array.astype(array.dtype.newbyteorder("="))
    return array
