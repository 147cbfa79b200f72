// XRDProfile: from reflections to the pattern a diffractometer records, without background or noise.
//
// Peak shapes (Thompson–Cox–Hastings pseudo-Voigt with Caglioti widths, Finger–Cox–Jephcoat axial-divergence
// asymmetry), the instrument and sample description, and rendering of peaks on a 2θ grid.
// Angles in degrees 2θ at the API, widths as full widths at half maximum in degrees.
