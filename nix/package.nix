# The reconcile tool, built with CMake against nixpkgs' libraries. The check
# phase runs the unit suites (`ctest -L unit`): the integration and end-to-end
# suites need root, network namespaces and real daemons, which a build sandbox
# does not have.
{ lib
, stdenv
, cmake
, ninja
, pkg-config
, libvirt
, libssh
, yaml-cpp
, fmt
, abseil-cpp
, gtest
, cli11
, nlohmann_json
, spdlog
, httplib
}:

stdenv.mkDerivation {
  pname = "reconcile";
  version = "0.1.0";

  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../CMakeLists.txt
      ../base
      ../model
      ../drivers
      ../reconciler
      ../cli
      ../tests
      ../specs
      ../fuzz/shell_words.h     # the template tests' shell-word oracle
      ../docs/spec.schema.json
      ../docs/plan-json.md      # tests check the plan JSON document against it
      ../docs/status-json.md    # and the status JSON document
      ../nix/package.nix        # tests/nix checks this fileset
    ];
  };

  nativeBuildInputs = [ cmake ninja pkg-config ];
  buildInputs = [ libvirt libssh yaml-cpp fmt abseil-cpp cli11 nlohmann_json spdlog httplib ];
  checkInputs = [ gtest ];

  cmakeFlags = [
    "-DRECONCILE_BENCH=OFF"
    "-DRECONCILE_TESTS=${if stdenv.buildPlatform.canExecute stdenv.hostPlatform then "ON" else "OFF"}"
  ];

  doCheck = true;
  checkPhase = ''
    runHook preCheck
    ctest -L unit --output-on-failure -j $NIX_BUILD_CORES
    runHook postCheck
  '';

  meta = {
    description = "Desired-state controller for virtual-machine clusters on libvirt";
    mainProgram = "reconcile";
    platforms = lib.platforms.linux;
  };
}
