//! An owned block of memory for one C struct of a C engine (an expanded key): zeroed, 64-byte
//! aligned, filled once by the C side and then only read, wiped before it is freed. Shared by
//! the FFI modules (sig/mldsa_native.rs, kem/mlkem_native.rs), which hold, with kem/x25519.rs's
//! two aws-lc calls, the only other `unsafe` of pqpay-core: the calls that fill and read these
//! blocks.
#![allow(unsafe_code)]

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::ptr::NonNull;

use zeroize::Zeroize;

use crate::{Error, Result};

/// `size` bytes, zeroed, 64-byte aligned (the C engines ask for at most 32), wiped on drop.
pub(crate) struct CStruct {
    ptr: NonNull<u8>,
    layout: Layout,
}

// SAFETY: the memory is owned; it is written only while `filled` runs, before a `CStruct` is
// handed out, and only read (through `as_ptr`, a `*const`) afterwards.
unsafe impl Send for CStruct {}
// SAFETY: as above: shared access is read-only.
unsafe impl Sync for CStruct {}

impl CStruct {
    /// Allocates `size` zeroed bytes and lets `fill` write the struct through the pointer
    /// (`fill` must stay within `size` bytes: its own `unsafe` call says why it does).
    pub(crate) fn filled(size: usize, fill: impl FnOnce(*mut u8)) -> Result<Self> {
        if size == 0 {
            return Err(Error::Internal("C struct size is zero".into()));
        }
        let layout = Layout::from_size_align(size, 64)
            .map_err(|_| Error::Internal("C struct layout".into()))?;
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc_zeroed(layout) };
        // No `String` on this path: it may run where allocation is failing.
        let ptr = NonNull::new(raw).ok_or(Error::OutOfMemory {
            what: "a C engine's expanded key",
            bytes: size,
        })?;
        let out = CStruct { ptr, layout };
        fill(out.ptr.as_ptr());
        Ok(out)
    }

    /// The struct, for the C side to read.
    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }
}

/// The `fill(out, encoding)` function of a C engine that expands a key encoding into its struct.
pub(crate) type ExpandFn = unsafe extern "C" fn(*mut u8, *const u8);

/// An expanded key: the [`CStruct`] one build of a C engine filled, and that build (whose
/// functions alone may read it).
pub(crate) struct Expanded<E: 'static> {
    pub(crate) mem: CStruct,
    pub(crate) engine: &'static E,
}

impl<E> Expanded<E> {
    /// `size` bytes (what `engine` reports for the struct `fill` writes) filled from `from`,
    /// which the caller checked to be the encoding `fill` reads.
    pub(crate) fn new(
        engine: &'static E,
        size: usize,
        fill: ExpandFn,
        from: &[u8],
    ) -> Result<Self> {
        // SAFETY: `p` holds `size` zeroed, writable, 64-byte aligned bytes, `size` being what
        // this very build reports for the struct `fill` writes; `from` was checked by the
        // caller to be the encoding `fill` reads.
        let mem = CStruct::filled(size, |p| unsafe { fill(p, from.as_ptr()) })?;
        Ok(Expanded { mem, engine })
    }
}

impl Drop for CStruct {
    fn drop(&mut self) {
        // SAFETY: ptr/layout come from alloc_zeroed above and are freed exactly once, here.
        unsafe {
            core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.layout.size()).zeroize();
            dealloc(self.ptr.as_ptr(), self.layout);
        }
    }
}
