// C shim for zlib (zlib1g-dev): gzip and raw-deflate inflation for the measured-file archive layer.
//
// `inflateInit2` is a function-like macro that Swift cannot import; the accessor below expands it.
// Only XRDExperiment (Readers/Archive.swift) imports this.
#ifndef XRDSIM_CZLIB_SHIM_H
#define XRDSIM_CZLIB_SHIM_H

#include <zlib.h>

static inline int czlib_inflate_init2(z_streamp stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}

#endif
