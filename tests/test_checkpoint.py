"""numerics.checkpoint: atomic npz + JSON header, checksums, no pickle."""
import json

import numpy as np
import pytest

from numerics.checkpoint import CheckpointError, load_checkpoint, save_checkpoint


def test_roundtrip_is_bit_identical(tmp_path, rng):
    arrays = {"x": rng.standard_normal((5, 4, 3)),
              "z": rng.standard_normal(7) + 1j * rng.standard_normal(7),
              "i": np.arange(4, dtype=np.int64), "empty": np.zeros((0, 3))}
    header = {"step": 12, "t": 0.1 + 0.2, "params": {"n_sites": 8, "seed": None}}
    p = save_checkpoint(tmp_path / "sub" / "c.npz", arrays, header)
    got, h = load_checkpoint(p)
    assert set(got) == set(arrays)
    for k in arrays:
        assert got[k].dtype == arrays[k].dtype and got[k].shape == arrays[k].shape
        assert got[k].tobytes() == arrays[k].tobytes()
    assert h["step"] == 12 and h["t"] == 0.1 + 0.2 and h["params"] == header["params"]


def test_overwrite_leaves_no_temporaries(tmp_path):
    p = tmp_path / "c.npz"
    for k in range(3):
        save_checkpoint(p, {"x": np.full(3, k)}, {"k": k})
    assert load_checkpoint(p)[1]["k"] == 2
    assert [q.name for q in tmp_path.iterdir()] == ["c.npz"]


def test_corruption_is_detected(tmp_path):
    p = save_checkpoint(tmp_path / "c.npz", {"x": np.arange(1000.0)}, {})
    raw = bytearray(p.read_bytes())
    raw[len(raw) // 3] ^= 0xFF          # flip bits inside the stored array data
    p.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError):
        load_checkpoint(p)
    p.write_bytes(b"not a zip file")
    with pytest.raises(CheckpointError):
        load_checkpoint(p)


def test_foreign_npz_and_bad_names_rejected(tmp_path):
    q = tmp_path / "plain.npz"
    np.savez(q, x=np.arange(3))
    with pytest.raises(CheckpointError, match="header"):
        load_checkpoint(q)
    with pytest.raises(ValueError, match="__x"):
        save_checkpoint(tmp_path / "c.npz", {"__x": np.zeros(1)})
    with pytest.raises(ValueError, match="object"):
        save_checkpoint(tmp_path / "c.npz", {"o": np.array([{}], dtype=object)})
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.npz")


def test_header_is_plain_json(tmp_path):
    p = save_checkpoint(tmp_path / "c.npz", {"x": np.zeros(2)}, {"a": [1, 2]})
    with np.load(p, allow_pickle=False) as z:
        h = json.loads(z["__header__"].tobytes().decode())
    assert h["a"] == [1, 2] and h["format"].startswith("floquetsym-checkpoint/")
