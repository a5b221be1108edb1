import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The Units view: `scan`'s statistics of each unit, over the window shown or over the whole
/// set (computed in idle slices), in any column's order; Enter opens the Step view at the unit.
@Suite struct UnitsViewTests {
    static func open(width: Int = 100, height: Int = 30) throws -> (ExplorerState, WindowDataset, Model) {
        let model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        let x = try WindowDataset.open(Fixtures.path("scan/tutorial-x.npy"), columns: 3)
        var s = try ExplorerState(model: model, input: nil, width: width, height: height)
        try s.open(WindowSet(name: "x.npy", count: x.count, expected: nil) { x.window($0) })
        return (s, x, model)
    }

    /// The rows of the table as drawn: unit, h mean, h std (after the header lines).
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map {
            $0.replacingOccurrences(of: ">", with: " ").split(separator: " ").map(String.init)
        }
        .filter { $0.count > 4 && Int($0[0]) != nil }
    }

    @Test func theWindowsStatisticsAreScansOverThatWindow() throws {
        let (opened, x, model) = try Self.open()
        var s = opened
        ExplorerSession.press(&s, .character("}"), .character("6"))
        let text = s.render().text
        #expect(text.contains("units of layer lstm (LSTM 5) over window 1 of 200"), "\(text)")
        let direct = try Scan.run(model: model, count: 1, steps: 4, window: { _ in x.window(1) }, expected: nil)
        let rows = Self.rows(text)
        #expect(rows.count == 5, "\(text)")
        for (u, row) in rows.enumerated() {
            let h = direct.layers[0].sums(5, unit: u)
            #expect(row[1] == signedText(h.mean!), "unit \(u): \(row)")
            #expect(row[2] == signedText(h.std!), "unit \(u): \(row)")
        }
    }

    @Test func theWholeSetRunsInIdleSlicesAndEqualsScan() throws {
        let (opened, x, model) = try Self.open()
        var s = opened
        ExplorerSession.press(&s, .character("6"), .character("a"))
        #expect(s.hasPendingWork)
        #expect(s.render().text.contains("over the set: 0 of 200 windows (running)"))
        var slices = 0
        while s.hasPendingWork && slices < 10_000 {
            _ = s.update(.idle)
            slices += 1
        }
        let text = s.render().text
        #expect(text.contains("over the set: 200 of 200 windows"), "\(text)")
        let direct = try Scan.run(model: model, count: x.count, steps: 4, window: { x.window($0) }, expected: nil)
        for (u, row) in Self.rows(text).enumerated() {
            #expect(row[1] == signedText(direct.layers[0].sums(5, unit: u).mean!), "unit \(u): \(row)")
        }
    }

    @Test func orderedByAColumnAndEnterOpensTheStepViewAtTheUnit() throws {
        var (s, _, _) = try Self.open()
        ExplorerSession.press(&s, .character("6"), .character("s"), .character("s"))
        // Ordered by h std, largest first.
        let rows = Self.rows(s.render().text)
        let stds = rows.map { Float($0[2])! }
        #expect(stds == stds.sorted(by: >), "\(rows)")
        ExplorerSession.press(&s, .character("S"))
        let ascending = Self.rows(s.render().text).map { Float($0[2])! }
        #expect(ascending == stds.sorted())
        let second = Int(Self.rows(s.render().text)[1][0])
        ExplorerSession.press(&s, .down, .enter)
        #expect(s.view == .step && s.unit == second)
    }

    /// An order by a gate the next model's layer lacks (an LSTM's f, then a SimpleRNN) goes back
    /// to unit order instead of indexing a vector that is not there.
    @Test func anOrderTheNextLayerCannotHaveGoesBackToUnits() throws {
        var (s, _, _) = try Self.open()
        ExplorerSession.press(&s, .character("6"), .character("s"), .character("s"), .character("s"), .character("s"))
        #expect(s.unitsTable.column == .saturated(1))
        let rnn = try ModelLoader.load(Fixtures.path("rnn/simplernn.keras"))
        _ = s.update(.modelLoaded(rnn))
        #expect(s.unitsTable.column == .unit)
        #expect(s.render().text.contains("units of layer simple_rnn"))
    }
}

/// A value as the Units view writes it.
func signedText(_ x: Double) -> String {
    let text = String(format: "%.4f", x)
    return x >= 0 ? "+" + text : text
}
