//! RFC 9162 Merkle trees (`pqpay_core::merkle`): converts leaf-hash buffers, proofs and sizes,
//! calls the core with the GIL released, maps errors.

use pqpay_core::merkle::{self, CompactTree, CompletedNode, Hash, ProofPlan, HASH_LEN};
use pqpay_core::Error;
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::args::int_arg;
use crate::error::{bytes_out, detach, guard, CoreError};

/// Leaf hashes as one contiguous `n * 32`-byte buffer: borrowed from a `bytes` object, or
/// copied (buffers such as NumPy arrays may change while the GIL is released; lists are joined).
enum LeafBuffer {
    Borrowed(PyBackedBytes),
    Owned(Vec<u8>),
}

impl LeafBuffer {
    fn as_slice(&self) -> &[u8] {
        match self {
            LeafBuffer::Borrowed(b) => b,
            LeafBuffer::Owned(v) => v,
        }
    }
}

const LEAF_HASHES_TYPES: &str =
    "leaf_hashes must be bytes of n * 32 bytes, a uint8 buffer of shape (n, 32) or (n * 32,), \
     or a sequence of 32-byte hashes";

fn leaf_buffer(obj: &Bound<'_, PyAny>) -> PyResult<LeafBuffer> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(LeafBuffer::Borrowed(PyBackedBytes::from(b.clone())));
    }
    if !obj.is_instance_of::<PyList>() && !obj.is_instance_of::<PyTuple>() {
        if let Ok(buf) = PyBuffer::<u8>::get(obj) {
            let shape = buf.shape();
            let ok = match shape {
                [_] => true,
                [_, width] => *width == HASH_LEN,
                _ => false,
            };
            if !ok {
                return Err(PyValueError::new_err(format!(
                    "a leaf-hash array must have shape (n, 32) or (n * 32,), got {shape:?}"
                )));
            }
            return Ok(LeafBuffer::Owned(buf.to_vec(obj.py())?));
        }
        if obj.hasattr("__array_interface__")? || obj.hasattr("shape")? {
            return Err(PyTypeError::new_err(format!(
                "{LEAF_HASHES_TYPES} (an array must have dtype uint8)"
            )));
        }
    }
    if let Ok(list) = obj.cast::<PyList>() {
        let mut out = Vec::with_capacity(list.len() * HASH_LEN);
        for (i, item) in list.iter().enumerate() {
            push_hash(&mut out, &item, "leaf hash", i)?;
        }
        return Ok(LeafBuffer::Owned(out));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| PyTypeError::new_err(LEAF_HASHES_TYPES))?;
    let mut out = Vec::with_capacity(obj.len().unwrap_or(0) * HASH_LEN);
    for (i, item) in iter.enumerate() {
        push_hash(&mut out, &item?, "leaf hash", i)?;
    }
    Ok(LeafBuffer::Owned(out))
}

/// Appends one 32-byte bytes-like item to `out`, naming it on error.
fn push_hash(out: &mut Vec<u8>, item: &Bound<'_, PyAny>, what: &str, i: usize) -> PyResult<()> {
    let wrong =
        |len: usize| PyValueError::new_err(format!("{what} {i} must be 32 bytes long, got {len}"));
    if let Ok(b) = item.cast::<PyBytes>() {
        let b = b.as_bytes();
        if b.len() != HASH_LEN {
            return Err(wrong(b.len()));
        }
        out.extend_from_slice(b);
        return Ok(());
    }
    let b: PyBackedBytes = item
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{what} {i} must be bytes")))?;
    if b.len() != HASH_LEN {
        return Err(wrong(b.len()));
    }
    out.extend_from_slice(&b);
    Ok(())
}

/// A list of 32-byte hashes (a proof, peaks, plan inputs). Lists and tuples are read
/// directly (a proof is verified in a few microseconds, so the conversion matters).
fn hash_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Hash>> {
    fn one(item: &Bound<'_, PyAny>, what: &str, i: usize) -> PyResult<Hash> {
        let mut h = [0u8; HASH_LEN];
        if let Ok(b) = item.cast::<PyBytes>() {
            let b = b.as_bytes();
            if b.len() == HASH_LEN {
                h.copy_from_slice(b);
                return Ok(h);
            }
        }
        let mut flat = Vec::with_capacity(HASH_LEN);
        push_hash(&mut flat, item, &format!("{what} element"), i)?;
        h.copy_from_slice(&flat);
        Ok(h)
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list
            .iter()
            .enumerate()
            .map(|(i, item)| one(&item, what, i))
            .collect();
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return tuple
            .iter()
            .enumerate()
            .map(|(i, item)| one(&item, what, i))
            .collect();
    }
    if obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a sequence of 32-byte hashes, not bytes"
        )));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be a sequence of 32-byte hashes"))
    })?;
    iter.enumerate()
        .map(|(i, item)| one(&item?, what, i))
        .collect()
}

fn hash_arg(what: &'static str, data: &[u8]) -> PyResult<Hash> {
    Ok(merkle::hash_from_slice(what, data).map_err(CoreError)?)
}

fn py_hashes<'py>(py: Python<'py>, hashes: &[Hash]) -> PyResult<Bound<'py, PyList>> {
    let items: PyResult<Vec<_>> = hashes.iter().map(|h| bytes_out(py, h)).collect();
    PyList::new(py, items?)
}

fn py_nodes<'py>(py: Python<'py>, nodes: &[CompletedNode]) -> PyResult<Bound<'py, PyList>> {
    let items: PyResult<Vec<_>> = nodes
        .iter()
        .map(|(level, index, h)| Ok((*level, *index, bytes_out(py, h)?)))
        .collect();
    PyList::new(py, items?)
}

/// SHA-256(0x00 || entry).
#[pyfunction]
pub fn merkle_leaf_hash<'py>(py: Python<'py>, entry: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let h = detach(py, || Ok::<_, Error>(merkle::leaf_hash(entry)))?;
        bytes_out(py, &h)
    })
}

/// SHA-256(0x01 || left || right).
#[pyfunction]
pub fn merkle_node_hash<'py>(
    py: Python<'py>,
    left: &[u8],
    right: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let (l, r) = (hash_arg("left hash", left)?, hash_arg("right hash", right)?);
        let h = detach(py, || Ok::<_, Error>(merkle::node_hash(&l, &r)))?;
        bytes_out(py, &h)
    })
}

/// Leaf hashes of many entries, concatenated.
#[pyfunction]
pub fn merkle_leaf_hashes<'py>(
    py: Python<'py>,
    entries: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        if entries.is_instance_of::<PyBytes>() {
            return Err(PyTypeError::new_err(
                "entries must be a sequence of bytes, not one bytes object",
            ));
        }
        let iter = entries
            .try_iter()
            .map_err(|_| PyTypeError::new_err("entries must be a sequence of bytes"))?;
        // Sized by the caller's sequence: a failed allocation is MemoryError, not an abort.
        let mut items: Vec<PyBackedBytes> = Vec::new();
        let n = entries.len().unwrap_or(0);
        items.try_reserve_exact(n).map_err(|_| {
            PyMemoryError::new_err(format!("out of memory: cannot hold {n} entries"))
        })?;
        for (i, item) in iter.enumerate() {
            items.push(
                item?
                    .extract()
                    .map_err(|_| PyTypeError::new_err(format!("entry {i} must be bytes")))?,
            );
        }
        // Hashed straight into the new bytes object, with the GIL released.
        let len = items.len() * HASH_LEN;
        PyBytes::new_with(py, len, |out| {
            detach(py, || merkle::leaf_hashes_into(&items, out)).map_err(PyErr::from)
        })
    })
}

/// MTH of the leaf hashes.
#[pyfunction]
pub fn merkle_root<'py>(
    py: Python<'py>,
    leaf_hashes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let buf = leaf_buffer(leaf_hashes)?;
        let h = detach(py, || merkle::root(buf.as_slice()))?;
        bytes_out(py, &h)
    })
}

/// The inclusion proof of leaf `index`.
#[pyfunction]
pub fn merkle_inclusion_proof<'py>(
    py: Python<'py>,
    leaf_hashes: &Bound<'py, PyAny>,
    index: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        let index = int_arg::<u64>(index, "index")?;
        let buf = leaf_buffer(leaf_hashes)?;
        let proof = detach(py, || merkle::inclusion_proof(buf.as_slice(), index))?;
        py_hashes(py, &proof)
    })
}

/// The consistency proof from the first `old_size` leaves to all of them.
#[pyfunction]
pub fn merkle_consistency_proof<'py>(
    py: Python<'py>,
    leaf_hashes: &Bound<'py, PyAny>,
    old_size: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    guard(|| {
        let old_size = int_arg::<u64>(old_size, "old_size")?;
        let buf = leaf_buffer(leaf_hashes)?;
        let proof = detach(py, || merkle::consistency_proof(buf.as_slice(), old_size))?;
        py_hashes(py, &proof)
    })
}

/// Verifies an inclusion proof; raises InvalidProof when it does not verify.
#[pyfunction]
pub fn merkle_verify_inclusion(
    py: Python<'_>,
    leaf_hash: &[u8],
    index: &Bound<'_, PyAny>,
    tree_size: &Bound<'_, PyAny>,
    proof: &Bound<'_, PyAny>,
    root: &[u8],
) -> PyResult<()> {
    guard(|| {
        let leaf = hash_arg("leaf hash", leaf_hash)?;
        let index = int_arg::<u64>(index, "index")?;
        let tree_size = int_arg::<u64>(tree_size, "tree_size")?;
        let proof = hash_list(proof, "proof")?;
        let root = hash_arg("root", root)?;
        detach(py, || {
            merkle::verify_inclusion(&leaf, index, tree_size, &proof, &root)
        })?;
        Ok(())
    })
}

/// Verifies a consistency proof; raises InvalidProof when it does not verify.
#[pyfunction]
pub fn merkle_verify_consistency(
    py: Python<'_>,
    old_size: &Bound<'_, PyAny>,
    new_size: &Bound<'_, PyAny>,
    old_root: &[u8],
    new_root: &[u8],
    proof: &Bound<'_, PyAny>,
) -> PyResult<()> {
    guard(|| {
        let old_size = int_arg::<u64>(old_size, "old_size")?;
        let new_size = int_arg::<u64>(new_size, "new_size")?;
        let old_root = hash_arg("old root", old_root)?;
        let new_root = hash_arg("new root", new_root)?;
        let proof = hash_list(proof, "proof")?;
        detach(py, || {
            merkle::verify_consistency(old_size, new_size, &old_root, &new_root, &proof)
        })?;
        Ok(())
    })
}

/// Which stored nodes a proof needs and how to fold them into the proof.
#[pyclass(frozen, module = "pqpay._native")]
pub struct MerkleProofPlan {
    inner: ProofPlan,
}

#[pymethods]
impl MerkleProofPlan {
    #[getter]
    fn node_ids(&self) -> PyResult<Vec<(u32, u64)>> {
        guard(|| {
            Ok(self
                .inner
                .node_ids()
                .iter()
                .map(|id| (id.level, id.index))
                .collect())
        })
    }

    fn rehash<'py>(
        &self,
        py: Python<'py>,
        hashes: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let hashes = hash_list(hashes, "hashes")?;
            let out = detach(py, || self.inner.rehash(&hashes))?;
            py_hashes(py, &out)
        })
    }
}

/// The plan of the inclusion proof of leaf `index` in a tree of `tree_size` leaves.
#[pyfunction]
pub fn merkle_inclusion_plan(
    py: Python<'_>,
    index: &Bound<'_, PyAny>,
    tree_size: &Bound<'_, PyAny>,
) -> PyResult<MerkleProofPlan> {
    guard(|| {
        let index = int_arg::<u64>(index, "index")?;
        let tree_size = int_arg::<u64>(tree_size, "tree_size")?;
        let inner = detach(py, || merkle::inclusion_plan(index, tree_size))?;
        Ok(MerkleProofPlan { inner })
    })
}

/// The plan of the consistency proof from `old_size` to `new_size` leaves.
#[pyfunction]
pub fn merkle_consistency_plan(
    py: Python<'_>,
    old_size: &Bound<'_, PyAny>,
    new_size: &Bound<'_, PyAny>,
) -> PyResult<MerkleProofPlan> {
    guard(|| {
        let old_size = int_arg::<u64>(old_size, "old_size")?;
        let new_size = int_arg::<u64>(new_size, "new_size")?;
        let inner = detach(py, || merkle::consistency_plan(old_size, new_size))?;
        Ok(MerkleProofPlan { inner })
    })
}

/// The plan of the root of a tree of `tree_size` leaves.
#[pyfunction]
pub fn merkle_root_plan(py: Python<'_>, tree_size: &Bound<'_, PyAny>) -> PyResult<MerkleProofPlan> {
    guard(|| {
        let tree_size = int_arg::<u64>(tree_size, "tree_size")?;
        let inner = detach(py, || merkle::root_plan(tree_size))?;
        Ok(MerkleProofPlan { inner })
    })
}

/// The append-only tree with O(log n) state.
#[pyclass(module = "pqpay._native")]
pub struct MerkleCompactTree {
    inner: CompactTree,
}

#[pymethods]
impl MerkleCompactTree {
    #[new]
    fn new() -> PyResult<Self> {
        guard(|| {
            Ok(MerkleCompactTree {
                inner: CompactTree::new(),
            })
        })
    }

    #[staticmethod]
    fn from_state(size: &Bound<'_, PyAny>, peaks: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            let size = int_arg::<u64>(size, "size")?;
            let peaks = hash_list(peaks, "peaks")?;
            let inner = CompactTree::from_state(size, peaks).map_err(CoreError)?;
            Ok(MerkleCompactTree { inner })
        })
    }

    #[getter]
    fn size(&self) -> PyResult<u64> {
        guard(|| Ok(self.inner.size()))
    }

    #[getter]
    fn peaks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guard(|| py_hashes(py, self.inner.peaks()))
    }

    fn root<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let inner = &self.inner;
            let h = detach(py, || Ok::<_, Error>(inner.root()))?;
            bytes_out(py, &h)
        })
    }

    fn append<'py>(&mut self, py: Python<'py>, leaf_hash: &[u8]) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let leaf = hash_arg("leaf hash", leaf_hash)?;
            let inner = &mut self.inner;
            let nodes = detach(py, || inner.append(leaf))?;
            py_nodes(py, &nodes)
        })
    }

    fn extend<'py>(
        &mut self,
        py: Python<'py>,
        leaf_hashes: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let buf = leaf_buffer(leaf_hashes)?;
            let inner = &mut self.inner;
            let nodes = detach(py, || inner.extend(buf.as_slice()))?;
            py_nodes(py, &nodes)
        })
    }
}
