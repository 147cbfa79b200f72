// XRDCorpus: large, reproducible training corpora of simulated patterns — configuration, parallel
// deterministic generation, sharded writers (NumPy, HDF5, opXRD JSON), manifests, resume, merge.
