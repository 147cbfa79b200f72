# xrdsim: the two commands of the README, each installing what it needs first.
#   make run    the demo corpus of every CIF in Structures/ → Output/ (NumPy, HDF5, opXRD JSON; ~20 s after the build)
#   make test   the test suite (swift test; the slow real-data fits in a release build)
#   make sticks stick patterns of every CIF in Structures/ → Output/sticks/
# GSL (libgsl-dev) and HDF5 (libhdf5-dev) are system libraries: installed with apt-get when pkg-config cannot find them.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps run sticks test bench clean

deps:
	@command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl && pkg-config --exists hdf5 || \
	  { echo "installing libgsl-dev and libhdf5-dev with apt-get"; \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libgsl-dev libhdf5-dev pkg-config; }

run: deps
	$(SWIFT) build -c release --product xrdsim
	$$($(SWIFT) build -c release --show-bin-path)/xrdsim generate

sticks: deps
	$(SWIFT) build -c release --product xrdsim
	$$($(SWIFT) build -c release --show-bin-path)/xrdsim sticks Structures --output-dir Output/sticks

# The real-data fits and the phase search over the full library (Tests/XRDExperimentTests: RietveldAcceptance,
# Identification) run optimized: in a debug build they take ~10 minutes, in release ~1.
SLOW_TESTS := RietveldAcceptanceTests|IdentificationTests

test: deps
	$(SWIFT) test --skip '$(SLOW_TESTS)'
	$(SWIFT) test -c release --filter '$(SLOW_TESTS)'

bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

clean:
	rm -rf .build
	find Output -mindepth 1 ! -name README.md -exec rm -rf {} +
