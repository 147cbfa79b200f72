// C shim for HDF5 (libhdf5-dev). Only XRDCorpus imports this.
//
// HDF5's predefined type and property-list identifiers (H5T_NATIVE_FLOAT, H5P_DATASET_CREATE, …) are macros
// over global variables that the library initialises at run time; Swift cannot import them, and Swift 6
// rejects the globals as shared mutable state. Each one the package needs has a `static inline` accessor here.
#ifndef XRDSIM_CHDF5_SHIM_H
#define XRDSIM_CHDF5_SHIM_H

#include <hdf5.h>

static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hsize_t chdf5_s_unlimited(void) { return H5S_UNLIMITED; }

// Added for the HDF5 shard writer and its tests: file access flags, the default error stack and the
// variable-length string size (macros that expand to library globals or casts Swift does not import).
static inline unsigned chdf5_f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline size_t chdf5_t_variable(void) { return H5T_VARIABLE; }

#endif
