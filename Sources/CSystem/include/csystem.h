#ifndef ARRCOC_CSYSTEM_H
#define ARRCOC_CSYSTEM_H

/// Atomically exchanges the paths `a` and `b` (Linux renameat2 with RENAME_EXCHANGE; both must
/// exist, on one filesystem). Returns 0, or -1 with errno set (EINVAL/ENOSYS where unsupported).
int arrcoc_exchange_paths(const char *a, const char *b);

#endif
