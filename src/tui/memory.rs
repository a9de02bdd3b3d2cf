//! Giving freed memory back to the system when the screen goes idle. Scrolling through a long
//! transcript renders and drops many cells' lines; glibc keeps the freed pages in its heap, so
//! resident memory would track the most ever rendered rather than what is kept (an LRU of
//! cells). Trimming once per burst of activity, when nothing is left to draw, costs well under
//! a millisecond and never runs while keys or deltas are waiting.

/// Returns the allocator's free pages to the system (glibc only; elsewhere nothing to do).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
