import LSTMCore

extension ExplorerState {
    /// Applies one event and returns the commands for the outside world (load a file, quit).
    ///
    /// This is the only place the state changes; every key is handled here, so tests can drive
    /// the whole interface with a list of events.
    public mutating func update(_ event: Event) -> [Command] {
        let commands = apply(event)
        refreshSegment()
        refreshPlot()
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
                t = min(t + stepsPerTick, steps - 1)
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
        case .windowSetLoaded(let set):
            do {
                try open(set)
                let shape = "\(input.rows) steps × \(input.columns)"
                say("\(set.name): \(set.count) windows of \(shape); { } move between them")
            } catch {
                fail("\(set.name): \(error.message)")
            }
            return []
        case .windowWritten(let path):
            say("wrote the window (\(input.rows) × \(input.columns), float32) to \(path)")
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

        guard let action = KeyMap.action(for: key, in: view) else { return [] }
        return perform(action, key: key)
    }

    /// Does what a key bound to `action` does (``KeyMap`` says which key that is, where).
    private mutating func perform(_ action: KeyAction, key: Key) -> [Command] {
        let units = layerTrace.units
        switch action {
        case .quit: return [.quit]
        case .toggleHelp:
            if view == .help { view = previousView } else { previousView = view; view = .help; helpScroll = 0 }
        case .show(let v):
            view = v
            if view != .help { previousView = view }
        case .nextView, .previousView:
            let order: [View] = [.model, .weights, .step, .unit, .input, .units, .plot]
            let index = order.firstIndex(of: view) ?? 2
            view = order[(index + (action == .nextView ? 1 : order.count - 1)) % order.count]
            previousView = view
        case .openModel:
            prompt = Prompt(purpose: .model, text: Self.directory(of: model.provenance.path))
        case .openInput:
            prompt = Prompt(
                purpose: .input,
                text: Self.directory(
                    of: windowSet?.name
                        ?? (inputSource.hasPrefix("default")
                            ? model.provenance.path
                            : inputSource.replacingSuffix(" (edited)"))))
        case .reload:
            say("reloading \(model.provenance.path)…")
            return [.loadModel(model.provenance.path)]
        case .back:
            view = view == .help ? previousView : .step
        case .step(let by): t = clamp(t + by, 0, steps - 1); playing = false
        case .page(let by):
            t = clamp(t + by * (view == .plot ? plotSpan : historyColumns), 0, steps - 1)
            playing = false
        case .plotZoom(let by): zoomPlot(by)
        case .plotWhole: showWholePlot()
        case .plotVector: nextPlotVector()
        case .firstStep: t = 0; playing = false
        case .lastStep: t = steps - 1; playing = false
        case .unit(let by): unit = clamp(unit + by, 0, units - 1)
        case .togglePlay:
            playing.toggle()
            if playing && t == steps - 1 { t = 0 }
            let keys =
                view == .plot
                ? "space pauses; the Step view's + - change the speed" : "space pauses, + - change the speed"
            say(playing ? "playing at \(speedText) (\(keys))" : "paused")
        case .playSpeed(let by):
            playSpeedIndex = clamp(playSpeedIndex + by, 0, Self.playSpeeds.count - 1)
            say("play speed \(speedText)" + (playing ? "" : " (space plays)"))
        case .goTo:
            prompt = Prompt(purpose: .goTo, text: "")
        case .event(let event): goTo(event)
        case .modelScroll(let by):
            let area = Area(x: 0, y: 1, width: width, height: height - 2)
            let rows = modelViewPage(area).1
            // One row goes to the "lines a–b of n" note when it does not fit.
            modelScroll = rows <= area.height ? 0 : clamp(modelScroll + by, 0, rows - (area.height - 1))
        case .layer(let by): selectLayer(layer + by)
        case .unitsRow(let by):
            unitsTable.row = clamp(unitsTable.row + by, 0, replay.layers[layer].units - 1)
        case .unitsSort:
            let columns = UnitsTable.columns(
                model.tracedLayers[layer].vectorNames.map {
                    model.tracedLayers[layer].activation(of: $0)
                })
            unitsTable.column = columns[((columns.firstIndex(of: unitsTable.column) ?? 0) + 1) % columns.count]
            unitsTable.descending = unitsTable.column != .unit
            unitsTable.row = 0
        case .unitsReverse:
            unitsTable.descending.toggle()
            unitsTable.row = 0
        case .unitsScope:
            guard let set = windowSet else {
                say("one window: give --input a set of shape (N, T, xu) for the whole set's statistics")
                break
            }
            unitsTable.scope = unitsTable.scope == .window ? .set : .window
            say(
                unitsTable.scope == .set
                    ? "statistics over the whole set (\(set.count) windows)" : "statistics over this window")
        case .unitsOpen:
            if let statistics = unitsStatistics, statistics.layers.indices.contains(layer) {
                let order = unitsTable.order(statistics.layers[layer])
                if order.indices.contains(unitsTable.row) { unit = order[unitsTable.row] }
            }
            view = .step
            previousView = view
        case .window(let by):
            guard let set = windowSet, set.count > 1 else {
                say("one window: give --input a set of shape (N, T, xu) to move between windows")
                break
            }
            do {
                try showWindow(windowIndex + by)
                say("window \(windowIndex) of \(set.count) (0–\(set.count - 1); { } one, ( ) ten)")
            } catch {
                fail(error.message)
            }
        case .firstNaN: goToFirstNaN()
        case .cycleTheirs:
            guard theirs != nil else { say("no theirs to show: start with lstmscope MODEL --theirs FILE"); break }
            theirsDisplay = theirsDisplay.next
            say("the table shows \(theirsDisplay.label)")
        case .firstDivergence: goToFirstDivergence()
        case .nextHistoryVector:
            let names = layerTrace.vectorNames
            guard names.count > 1 else { say("h is the only vector a \(layerTrace.kind) step has"); break }
            historyVector = names[((names.firstIndex(of: historyVector) ?? 0) + 1) % names.count]
        case .toggleDetail:
            view = view == .unit ? .step : .unit
            previousView = view
        case .weightColumn, .weightRow, .weightPage, .firstWeightColumn, .lastWeightColumn, .matrix, .toggleOverview:
            moveWeightsCursor(action)
        case .inputColumn(let by): inputColumn = clamp(inputColumn + by, 0, input.columns - 1)
        // The Input view moves over the window's rows; t follows (a layer reading backwards the other way).
        case .inputRow(let by): t = windowRow(ofStep: clamp(inputRow + by, 0, steps - 1))
        case .firstInputRow: t = windowRow(ofStep: 0)
        case .lastInputRow: t = windowRow(ofStep: steps - 1)
        case .editValue:
            // The field starts with the value there, to change rather than retype.
            valueEditor = LineEditor("\(input[inputRow, inputColumn])", limit: 40, accepted: .number, offered: true)
        case .writeWindow:
            let stem =
                inputSource.hasPrefix("default")
                ? "window" : lastPathComponent(inputSource.replacingSuffix(" (edited)"))
            prompt = Prompt(
                purpose: .writeWindow,
                text: stem.split(separator: ".").first.map(String.init).map {
                    $0 + "-edited.npy"
                } ?? "window-edited.npy")
        case .undoEdit:
            guard let last = edits.last else { say("no edit to undo"); break }
            do {
                let now = input[last.row, last.column]
                try setInputValue(row: last.row, column: last.column, to: last.value, undoing: true)
                say(
                    "undone: t = \(last.row), x\(last.column) back to \(last.value) from \(now)"
                        + (edits.isEmpty ? "; the window is the one given again" : " (\(edits.count) edits left)"))
            } catch {
                fail(error.message)
            }
        case .editValueTyping:
            if case .character(let c) = key { valueEditor = LineEditor(String(c), limit: 40, accepted: .number) }
        case .scroll, .scrollPage, .scrollToTop, .scrollToEnd:
            scrollHelp(action)
        }
        return []
    }

    private mutating func scrollHelp(_ action: KeyAction) {
        let page = max(1, helpPage)
        let last = max(0, helpText.count - page)
        switch action {
        case .scroll(let by): helpScroll = clamp(helpScroll + by, 0, last)
        case .scrollPage(let by): helpScroll = clamp(helpScroll + by * page, 0, last)
        case .scrollToTop: helpScroll = 0
        case .scrollToEnd: helpScroll = last
        default: break
        }
    }

    private mutating func goToFirstDivergence() {
        guard let overlay = theirs else {
            say("no theirs to compare: start with lstmscope MODEL --theirs FILE"); return
        }
        guard let first = overlay.comparison.firstDivergence, !overlay.comparison.agrees(tolerance: overlay.tolerance)
        else {
            say(overlay.summary)
            return
        }
        layer = first.layer
        t = first.step ?? steps - 1
        unit = first.vector == nil ? unit : first.unit
        if let vector = first.vector { historyVector = vector }
        playing = false
        clampSelections()
        say(overlay.summary)
    }

    private mutating func goToFirstNaN() {
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
                + "at t = \(windowRow(ofStep: nan.step, layer: nan.layer))"
        )
    }

    private mutating func selectLayer(_ index: Int) {
        guard replay.layers.count > 1 else { say("the model has one recurrent layer"); return }
        // The same window row in the new layer: a layer reading backwards has it at another step.
        let row = shownT
        layer = (index + replay.layers.count) % replay.layers.count
        t = windowRow(ofStep: row)
        clampSelections()
        say("layer \(shown(layerTrace.layerName)) (\(layer + 1) of \(replay.layers.count))")
    }

    private mutating func moveWeightsCursor(_ action: KeyAction) {
        guard !parameters.isEmpty else { return }
        let m = parameters[weights.parameter].matrix
        let page = max(1, height - 12)
        switch action {
        case .weightColumn(let by): weights.column = clamp(weights.column + by, 0, m.columns - 1)
        case .weightRow(let by): weights.row = clamp(weights.row + by, 0, m.rows - 1)
        case .weightPage(let by): weights.row = clamp(weights.row + by * page, 0, m.rows - 1)
        case .firstWeightColumn: weights.column = 0
        case .lastWeightColumn: weights.column = m.columns - 1
        case .toggleOverview: weights.overview.toggle()
        case .matrix(let by): selectParameter(weights.parameter + by)
        default: break
        }
    }

    private mutating func selectParameter(_ index: Int) {
        weights.parameter = (index + parameters.count) % parameters.count
        weights.row = 0
        weights.column = 0
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
                say(
                    "t = \(inputRow), x\(inputColumn): \(old) → \(value); trace recomputed, output "
                        + "\(replay.output.map { $0.map { "\($0)" }.joined(separator: ", ") } ?? "being computed")"
                )
            } catch {
                fail(error.message)
            }
        }
    }

    private mutating func handlePrompt(_ key: Key) -> [Command] {
        guard var p = prompt else { return [] }
        if p.purpose == .goTo { return goToPrompt(key) }
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
            switch p.purpose {
            case .writeWindow:
                return [.writeWindow(input, path: path)]
            case .model:
                say("loading \(path)…")
                return [.loadModel(path)]
            default:
                say("loading \(path)…")
                return [.loadInput(path)]
            }
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

    /// The directory part of `path` with its slash (`sample-weights/`), or nothing for a file in
    /// the working directory: the prompt opens there, ready for a name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// `12.5 steps/s`, `2,500 steps/s`.
    var speedText: String {
        (playSpeed < 10 ? String(playSpeed) : String(Int(playSpeed))) + " steps/s"
    }

    /// The go-to line: t, the window's row (0 … T − 1, as trace, compare and scan number steps).
    private mutating func goToPrompt(_ key: Key) -> [Command] {
        guard var p = prompt else { return [] }
        switch p.line.handle(key) {
        case .cancelled:
            prompt = nil
            say("cancelled")
        case .submitted(let text):
            prompt = nil
            guard let row = Int(text.trimmingSpaces()), (0..<steps).contains(row) else {
                fail("go to: \(text.isEmpty ? "nothing typed" : "\"\(text)\"") is not a t in 0–\(steps - 1)")
                return []
            }
            t = windowRow(ofStep: row)
            playing = false
            say("t = \(row) of 0–\(steps - 1)")
        case .editing:
            prompt = p
        }
        return []
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
