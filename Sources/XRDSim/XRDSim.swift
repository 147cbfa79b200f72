// The xrdsim library: CIF → Crystal → Diffraction → Profile → Augment → Corpus, and Experiment beside. Import this one module to get all stages.

@_exported public import XRDCIF
@_exported public import XRDCrystal
@_exported public import XRDDiffraction
@_exported public import XRDProfile
@_exported public import XRDAugment
@_exported public import XRDCorpus
@_exported public import XRDExperiment
