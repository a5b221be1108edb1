import LSTMCore

extension ExplorerState {
    /// Applies one event and returns the commands for the outside world (load a file, quit).
    ///
    /// This is the only place the state changes; every key is handled here, so tests can drive
    /// the whole interface with a list of events.
    public mutating func update(_ event: Event) -> [Command] {
        let commands = apply(event)
        refreshSegment()
        return commands
    }

    private mutating func apply(_ event: Event) -> [Command] {
        switch event {
        case .resize(let w, let h):
            width = w
            height = h
            return []
        case .idle:
            doPendingWork()
            return []
        case .tick:
            guard playing else { return [] }
            if t + 1 < steps {
                t += 1
            } else {
                playing = false; say("end of the window (space plays again from t = 0)")
            }
            return []
        case .modelLoaded(let newModel):
            do {
                try replaceModel(newModel)
                say("loaded \(newModel.provenance.path): \(newModel.chainDescription)")
            } catch {
                fail("cannot replay \(newModel.provenance.path): \(error.message)")
            }
            return []
        case .inputLoaded(let window, let path):
            do {
                try replaceInput(window, source: path)
                say("input \(path): \(window.rows) steps × \(window.columns)")
            } catch {
                fail("\(path): \(error.message)")
            }
            return []
        case .loadFailed(let message):
            fail(message)
            return []
        case .pathCompletions(let prefix, let matches):
            // Typing on while the shell looked makes the answer stale: it is dropped.
            guard var p = prompt, p.text == prefix else { return [] }
            if matches.count == 1 {
                p.text = matches[0]
                p.candidates = []
            } else if !matches.isEmpty {
                p.text = commonPrefix(matches)
                p.candidates = matches
            }
            prompt = p
            return []
        case .key(let key):
            return handle(key)
        }
    }

    private mutating func handle(_ key: Key) -> [Command] {
        if prompt != nil { return handlePrompt(key) }
        if valueEditor != nil { handleEdit(key); return [] }
        status = nil
        // While the screen only says it is too small, keys it does not show do nothing.
        guard width >= ExplorerState.minimumWidth, height >= ExplorerState.minimumHeight else {
            return key == .character("q") ? [.quit] : []
        }

        // Keys that work in every view.
        switch key {
        case .character("q"): return [.quit]
        case .character("?"):
            if view == .help { view = previousView } else { previousView = view; view = .help; helpScroll = 0 }
            return []
        case .character(let c) where ("1"..."6").contains(c):
            view = View(rawValue: Int(String(c))!)!
            if view != .help { previousView = view }
            if view == .input { inputRow = t }
            return []
        case .tab, .backTab:
            let order: [View] = [.model, .weights, .step, .unit, .input]
            let index = order.firstIndex(of: view) ?? 2
            view = order[(index + (key == .tab ? 1 : order.count - 1)) % order.count]
            previousView = view
            // The input table opens at the step being looked at.
            if view == .input { inputRow = t }
            return []
        case .character("O"):
            prompt = Prompt(purpose: .model, text: model.provenance.path)
            return []
        case .character("o"):
            prompt = Prompt(
                purpose: .input, text: inputSource.hasPrefix("default") ? "" : inputSource.replacingSuffix(" (edited)"))
            return []
        case .character("r"):
            say("reloading \(model.provenance.path)…")
            return [.loadModel(model.provenance.path)]
        case .escape where view == .help || view == .unit:
            view = view == .help ? previousView : .step
            return []
        default:
            break
        }

        switch view {
        case .step, .unit: handleStepKeys(key)
        case .weights: handleWeightsKeys(key)
        case .input: handleInputKeys(key)
        case .help: handleHelpKeys(key)
        case .model: break
        }
        return []
    }

    private mutating func handleHelpKeys(_ key: Key) {
        let page = max(1, helpPage)
        let last = max(0, helpText.count - page)
        switch key {
        case .down, .character("j"): helpScroll = min(helpScroll + 1, last)
        case .up, .character("k"): helpScroll = max(helpScroll - 1, 0)
        case .pageDown, .character(" "): helpScroll = min(helpScroll + page, last)
        case .pageUp: helpScroll = max(helpScroll - page, 0)
        case .home, .character("g"): helpScroll = 0
        case .end, .character("G"): helpScroll = last
        default: break
        }
    }

    private mutating func handleStepKeys(_ key: Key) {
        let units = layerTrace.units
        switch key {
        case .right, .character("l"), .character("n"): t = min(t + 1, steps - 1); playing = false
        case .left, .character("h"), .character("p"): t = max(t - 1, 0); playing = false
        case .home, .character("g"): t = 0; playing = false
        case .end, .character("G"): t = steps - 1; playing = false
        case .down, .character("j"): unit = min(unit + 1, units - 1)
        case .up, .character("k"): unit = max(unit - 1, 0)
        case .pageDown: unit = min(unit + 10, units - 1)
        case .pageUp: unit = max(unit - 10, 0)
        case .character(" "):
            playing.toggle()
            if playing && t == steps - 1 { t = 0 }
            say(playing ? "playing (space pauses)" : "paused")
        case .character("]"): selectLayer(layer + 1)
        case .character("["): selectLayer(layer - 1)
        case .character("N"):
            guard let nan = replay.firstNaN else {
                say(
                    replay.isComplete
                        ? "no NaN anywhere in this window" : "no NaN in the steps run so far (\(progressText))")
                return
            }
            layer = nan.layer
            t = nan.step
            historyVector = nan.vector
            playing = false
            say(
                "NaN first appears here: \(nan.vector) of layer \(shown(replay.layers[nan.layer].name)) "
                    + "at t = \(nan.step + 1)"
            )
        case .character("v"):
            let names = layerTrace.vectorNames
            guard names.count > 1 else { say("h is the only vector a \(layerTrace.kind) step has"); break }
            historyVector = names[((names.firstIndex(of: historyVector) ?? 0) + 1) % names.count]
        case .enter:
            view = view == .unit ? .step : .unit
            previousView = view
        default: break
        }
    }

    private mutating func selectLayer(_ index: Int) {
        guard replay.layers.count > 1 else { say("the model has one recurrent layer"); return }
        layer = (index + replay.layers.count) % replay.layers.count
        clampSelections()
        say("layer \(shown(layerTrace.layerName)) (\(layer + 1) of \(replay.layers.count))")
    }

    private mutating func handleWeightsKeys(_ key: Key) {
        guard !parameters.isEmpty else { return }
        let m = parameters[weights.parameter].matrix
        let page = max(1, height - 12)
        switch key {
        case .right, .character("l"): weights.column = min(weights.column + 1, m.columns - 1)
        case .left, .character("h"): weights.column = max(weights.column - 1, 0)
        case .down, .character("j"): weights.row = min(weights.row + 1, m.rows - 1)
        case .up, .character("k"): weights.row = max(weights.row - 1, 0)
        case .pageDown: weights.row = min(weights.row + page, m.rows - 1)
        case .pageUp: weights.row = max(weights.row - page, 0)
        case .home, .character("g"): weights.column = 0
        case .end, .character("G"): weights.column = m.columns - 1
        case .character("z"): weights.overview.toggle()
        case .character("]"), .character("n"): selectParameter(weights.parameter + 1)
        case .character("["), .character("p"): selectParameter(weights.parameter - 1)
        default: break
        }
    }

    private mutating func selectParameter(_ index: Int) {
        weights.parameter = (index + parameters.count) % parameters.count
        weights.row = 0
        weights.column = 0
    }

    private mutating func handleInputKeys(_ key: Key) {
        switch key {
        case .right, .character("l"): inputColumn = min(inputColumn + 1, input.columns - 1)
        case .left, .character("h"): inputColumn = max(inputColumn - 1, 0)
        case .down, .character("j"): inputRow = min(inputRow + 1, steps - 1); t = inputRow
        case .up, .character("k"): inputRow = max(inputRow - 1, 0); t = inputRow
        case .pageDown: inputRow = min(inputRow + 10, steps - 1); t = inputRow
        case .pageUp: inputRow = max(inputRow - 10, 0); t = inputRow
        case .home, .character("g"): inputRow = 0; t = inputRow
        case .end, .character("G"): inputRow = min(steps, replay.computedSteps) - 1; t = inputRow
        case .enter, .character("e"): valueEditor = LineEditor(limit: 40, accepted: .number)
        case .character(let c) where c.isNumber || c == "-" || c == ".":
            valueEditor = LineEditor(String(c), limit: 40, accepted: .number)
        default: break
        }
    }

    private mutating func handleEdit(_ key: Key) {
        guard var editor = valueEditor else { return }
        switch editor.handle(key) {
        case .editing:
            valueEditor = editor
        case .cancelled:
            valueEditor = nil
            say("edit cancelled")
        case .submitted(let text):
            valueEditor = nil
            guard let value = Float(text) else { fail("\"\(text)\" is not a number"); return }
            guard value.isFinite || value.isNaN else { fail("\(text) is too large for a 32-bit float"); return }
            let old = input[inputRow, inputColumn]
            do {
                try setInputValue(row: inputRow, column: inputColumn, to: value)
                t = inputRow
                say(
                    "t = \(inputRow + 1), x\(inputColumn): \(old) → \(value); trace recomputed, output "
                        + "\(replay.output.map { $0.map { "\($0)" }.joined(separator: ", ") } ?? "being computed")"
                )
            } catch {
                fail(error.message)
            }
        }
    }

    private mutating func handlePrompt(_ key: Key) -> [Command] {
        guard var p = prompt else { return [] }
        if key == .tab {
            return [.completePath(p.text)]
        }
        switch p.line.handle(key) {
        case .cancelled:
            prompt = nil
            say("cancelled")
            return []
        case .submitted(let text):
            prompt = nil
            let path = text.trimmingSpaces()
            guard !path.isEmpty else { return [] }
            say("loading \(path)…")
            return [p.purpose == .model ? .loadModel(path) : .loadInput(path)]
        case .editing:
            // The candidates shown after Tab go at the next key that edits the line.
            switch key {
            case .backspace, .delete, .killLine, .character: p.candidates = []
            default: break
            }
            prompt = p
            return []
        }
    }

    /// Shows `text` on the status line until the next key.
    public mutating func say(_ text: String) {
        status = .note(text)
    }

    mutating func fail(_ text: String) {
        status = .error(text)
    }
}

func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first else { return "" }
    for s in strings.dropFirst() {
        while !s.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }

    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
