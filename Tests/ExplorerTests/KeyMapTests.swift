import Explorer
import ExplorerTestSupport
import LSTMCore
import Testing

/// The key map is the one list of keys: the status line and the help may only name keys that
/// are bound where they say, and no key may be bound twice in one view.
@Suite struct KeyMapTests {
    @Test func everyStatusHintNamesAKeyBoundInItsView() throws {
        var single = try ExplorerSession.sample()
        var stacked = try ExplorerSession.sample("stacked")
        for view in View.allCases {
            for state in [single, stacked] {
                var s = state
                // Help has no number: ? opens it.
                _ = s.update(.key(.character(view == .help ? "?" : Character(String(view.rawValue)))))
                #expect(s.view == view)
                for hint in KeyMap.statusHints(for: s) {
                    guard let action = hint.action else { continue }
                    #expect(KeyMap.binds(action, in: view), "\(hint.key) \(hint.text) in \(view)")
                }
            }
        }
        // The line editor's own keys (apply, cancel) are the only hints without an action.
        ExplorerSession.press(&single, .character("5"), .enter)
        #expect(KeyMap.statusHints(for: single).allSatisfy { $0.action == nil })
        ExplorerSession.press(&stacked, .character("3"))
        #expect(KeyMap.statusHints(for: stacked).contains { $0.action == .layer(1) })
    }

    @Test func noKeyIsBoundTwiceInOneView() {
        for view in View.allCases {
            var seen: [Key: KeyAction] = [:]
            for binding in KeyMap.entries.flatMap(\.bindings) where binding.scope.contains(view) {
                for case .key(let key) in binding.triggers {
                    #expect(seen[key] == nil, "\(key) is \(seen[key].map { "\($0)" } ?? "") and \(binding.action)")
                    seen[key] = binding.action
                }
            }
        }
    }

    @Test func dispatchFollowsTheMap() {
        #expect(KeyMap.action(for: .character("q"), in: .weights) == .quit)
        #expect(KeyMap.action(for: .character("n"), in: .step) == .step(1))
        #expect(KeyMap.action(for: .character("n"), in: .weights) == .matrix(1))
        #expect(KeyMap.action(for: .character(" "), in: .help) == .scrollPage(1))
        #expect(KeyMap.action(for: .escape, in: .step) == nil)
        #expect(KeyMap.action(for: .escape, in: .unit) == .back)
        // Digits 1–6 pick views everywhere; the others start an edit in the Input view.
        #expect(KeyMap.action(for: .character("3"), in: .input) == .show(.step))
        #expect(KeyMap.action(for: .character("8"), in: .input) == .editValueTyping)
        #expect(KeyMap.action(for: .character("8"), in: .step) == nil)
    }

    @Test func everyHelpLineDescribesBoundKeys() {
        let described = KeyMap.entries.filter { !$0.keys.isEmpty }
        #expect(described.allSatisfy { !$0.bindings.isEmpty })
        #expect(KeyMap.helpLines.filter { $0.0.isEmpty }.map(\.1) == KeyMap.Section.allCases.map(\.rawValue))
    }
}
