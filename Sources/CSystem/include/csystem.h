#ifndef ARRCOC_CSYSTEM_H
#define ARRCOC_CSYSTEM_H

/// Atomically exchanges the paths `a` and `b` (Linux renameat2 with RENAME_EXCHANGE; both must
/// exist, on one filesystem). Returns 0, or -1 with errno set (EINVAL/ENOSYS where unsupported).
int arrcoc_exchange_paths(const char *a, const char *b);

/// Renames `from` to `to` unless `to` exists (Linux renameat2 with RENAME_NOREPLACE), atomically.
/// Returns 0, or -1 with errno set: EEXIST when `to` exists, EINVAL/ENOSYS where unsupported.
int arrcoc_rename_noreplace(const char *from, const char *to);

/// Installs handlers for SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session) that only write the signal's number (one byte) to a
/// pipe (async-signal-safe), and unblocks the three signals. Returns the pipe's read end, for a
/// thread that waits on it and cleans up; -1 with errno set on failure. Call once.
int arrcoc_install_interrupt_pipe(void);

#endif
