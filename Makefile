# xrdsim: the two commands of the README, each installing what it needs first.
#   make run    the demo corpus of every CIF in Structures/ → Output/ (NumPy, HDF5, opXRD JSON; about a minute)
#   make test   the test suite (swift test)
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

test: deps
	$(SWIFT) test

bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

clean:
	rm -rf .build
	find Output -mindepth 1 ! -name README.md -exec rm -rf {} +
