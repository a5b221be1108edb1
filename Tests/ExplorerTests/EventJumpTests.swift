import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// e x c m go to the selected unit's next saturation onset, sign change, largest |c| and next
/// masked step: each where a direct search of the window's trace finds it.
@Suite struct EventJumpTests {
    static func trace(_ s: ExplorerState) throws -> LayerTrace {
        try ModelTrace(model: s.model, input: s.input).layers[s.layer]
    }

    @Test func signChangeAndSaturationOnsetAreTheNextOnes() throws {
        var s = try NavigationTests.long(steps: 3000)
        ExplorerSession.press(&s, .down)  // unit 1
        let lt = try Self.trace(s)
        let h = (0..<3000).map { lt.value(.h, at: $0, unit: 1)! }
        var t = 0
        for _ in 0..<3 {
            let next = (t + 1..<3000).first { (h[$0] < 0) != (h[$0 - 1] < 0) && h[$0] != 0 && h[$0 - 1] != 0 }
            ExplorerSession.press(&s, .character("x"))
            #expect(s.t == next, "sign change after \(t)")
            t = s.t
        }
        let gates = lt.vectorNames.filter { !$0.isState }
        func saturated(_ step: Int) -> [Bool] {
            gates.map {
                ScanStatistics.isSaturated(lt.value($0, at: step, unit: 1)!, s.selectedLayer.activation(of: $0))
            }
        }
        let onset = (t + 1..<3000).first { step in zip(saturated(step), saturated(step - 1)).contains { $0 && !$1 } }
        ExplorerSession.press(&s, .character("e"))
        #expect(s.t == (onset ?? t), "\(s.message ?? "")")
    }

    @Test func theLargestStateIsFoundWhereverItIs() throws {
        var s = try NavigationTests.long(steps: 3000)
        ExplorerSession.press(&s, .end, .down, .down)
        let lt = try Self.trace(s)
        let c = (0..<3000).map { abs(lt.value(.c, at: $0, unit: 2)!) }
        let largest = c.indices.max { c[$0] < c[$1] || (c[$0] == c[$1] && $0 > $1) }!
        ExplorerSession.press(&s, .character("c"))
        #expect(s.t == largest && s.message?.contains("the largest |c| of unit 2") == true, "\(s.message ?? "")")
    }

    @Test func theNextMaskedStepAndNoneLeft() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/mask_lstm.keras"))
        var window = Matrix.sineWindow(steps: 7, features: 3)
        let value: Float = {
            if case .masking(_, let v) = model.layers[0] { return v }
            return 0
        }()
        for k in 0..<3 { window[4, k] = value }
        var s = try ExplorerState(model: model, input: window, width: 100, height: 30)
        ExplorerSession.press(&s, .character("m"))
        #expect(s.t == 4 && s.layerTrace.isMasked(at: 4), "t = \(s.t): \(s.message ?? ""), \(model.layers)")
        ExplorerSession.press(&s, .character("m"))
        #expect(s.t == 4 && s.message?.contains("no masked step of unit 0 after t = 4") == true, "\(s.message ?? "")")
    }
}
