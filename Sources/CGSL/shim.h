// C shim for GSL (GNU Scientific Library, libgsl-dev).
//
// Swift 6 strict concurrency rejects GSL's exported global variables (shared mutable state), so each
// one the package needs is reached through a `static inline` accessor here. Only XRDGSL imports this.
#ifndef XRDSIM_CGSL_SHIM_H
#define XRDSIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_spline.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fft_halfcomplex.h>

static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_interp_type *cgsl_interp_linear(void) { return gsl_interp_linear; }
static inline const gsl_interp_type *cgsl_interp_cspline(void) { return gsl_interp_cspline; }
static inline const gsl_interp_type *cgsl_interp_akima(void) { return gsl_interp_akima; }
static inline const gsl_interp_type *cgsl_interp_steffen(void) { return gsl_interp_steffen; }
static inline const gsl_multifit_nlinear_type *cgsl_multifit_nlinear_trust(void) {
  return gsl_multifit_nlinear_trust;
}
static inline const gsl_multifit_nlinear_trs *cgsl_multifit_nlinear_trs_lm(void) {
  return gsl_multifit_nlinear_trs_lm;
}
static inline const gsl_multifit_nlinear_scale *cgsl_multifit_nlinear_scale_more(void) {
  return gsl_multifit_nlinear_scale_more;
}
static inline const gsl_multifit_nlinear_solver *cgsl_multifit_nlinear_solver_qr(void) {
  return gsl_multifit_nlinear_solver_qr;
}
static inline const gsl_multifit_nlinear_solver *cgsl_multifit_nlinear_solver_mcholesky(void) {
  return gsl_multifit_nlinear_solver_mcholesky;
}
static inline const gsl_multifit_robust_type *cgsl_multifit_robust_bisquare(void) { return gsl_multifit_robust_bisquare; }
static inline const gsl_multifit_robust_type *cgsl_multifit_robust_huber(void) { return gsl_multifit_robust_huber; }

#endif
