import Foundation
import LSTMCore

/// Reads a TensorFlow Lite model (`.tflite`, a FlatBuffer read by lstmscope's own bounds-checked
/// ``FlatBuffer``) as a chain lstmscope replays: the subgraph's one input through
/// `UNIDIRECTIONAL_SEQUENCE_LSTM` ops (a `REVERSE_V2` of the window before one reads it
/// backwards; two of them merged by `CONCATENATION` or `ADD` are a Bidirectional), the
/// `STRIDED_SLICE` of the last step, `FULLY_CONNECTED`, `LOGISTIC`, `TANH`, `RELU`, `SOFTMAX`
/// and reshapes of axes of one. Weights are float32, float16 (widened by `DEQUANTIZE` ops) or
/// int8 with scales: those are "hybrid" layers, replayed as TFLite's hybrid kernels compute.
/// Anything else is refused naming the op, and so is every tensor the chain does not use.
///
/// TFLite keeps an LSTM's weights as one (hu, xu) matrix per gate, in Keras's order i, f, c̃, o;
/// lstmscope lays them side by side and transposes them into Keras's (xu, 4·hu).
enum TFLiteLoader {
    /// Whether `data` carries TFLite's file identifier `TFL3` after the root offset.
    static func looksLike(_ data: Data) -> Bool {
        data.count >= 8 && data[data.startIndex + 4..<data.startIndex + 8].elementsEqual(Array("TFL3".utf8))
    }

    static func load(_ data: Data, path: String) throws(LoadError) -> Model {
        let file: TFLiteFile
        do {
            file = try TFLiteFile([UInt8](data))
        } catch {
            throw LoadError(path, .invalidArray, "not a readable TFLite model: \(error.message)")
        }
        guard file.externalBufferCount == 0,
            !file.subgraphs.contains(where: { $0.tensors.contains { $0.externalBuffer != 0 } })
        else {
            throw LoadError(
                path, .refused,
                "the model keeps weights in another file (external buffers); lstmscope never opens a file a "
                    + "model points to")
        }
        // An op lstmscope does not read (a WHILE loop, say) is named before the subgraphs are counted.
        if let first = file.subgraphs.first, first.inputs.count == 1 {
            try TFLiteGraph.refuseUnread(file, first, input: first.tensors[Int(first.inputs[0])], path: path)
        }
        guard file.subgraphs.count == 1 else {
            let hint =
                file.subgraphs.count > 1
                ? " (a WHILE loop's body is a subgraph)" : ""
            throw LoadError(
                path, .unsupportedLayer,
                "the model has \(file.subgraphs.count) subgraphs; lstmscope reads one\(hint)")
        }
        var graph = try TFLiteGraph(file, path: path)
        let layers = try graph.layers()
        var provenance = Provenance(path: path, format: .tflite)
        provenance.layerSources = graph.sources
        provenance.storedDTypes = graph.storedTypes
        return try LoadError.building(path) {
            try Model(
                name: "tflite", layers: layers, inputSize: graph.inputFeatures, lookBack: graph.inputSteps,
                provenance: provenance)
        }
    }
}
