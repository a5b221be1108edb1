#!/usr/bin/env bash
# Regenerates Sources/ModelIO/ONNX/onnx.pb.swift from scripts/onnx/onnx.proto3 (ONNX v1.22.0's
# official onnx/onnx.proto3, Apache-2.0, unchanged). CI never runs this: building the plugin
# takes ~10 minutes, so the generated file is committed.
#
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift PYTHON=/path/to/venv/python scripts/onnx/generate.sh
#
# protoc-gen-swift: swift-protobuf 1.39.0 (the version Package.swift names), built with
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0
#   swift build -c release --product protoc-gen-swift
# protoc: grpcio-tools' (pip install grpcio-tools), run as python -m grpc_tools.protoc.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${PROTOC_GEN_SWIFT:?set PROTOC_GEN_SWIFT to a built protoc-gen-swift}"
python=${PYTHON:-python3}
mkdir -p Sources/ModelIO/ONNX
"$python" -m grpc_tools.protoc --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --swift_out=Sources/ModelIO/ONNX --swift_opt=Visibility=Internal -I scripts/onnx scripts/onnx/onnx.proto3
echo "wrote Sources/ModelIO/ONNX/onnx.pb.swift"
