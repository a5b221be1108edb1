import LSTMCore

/// The views of the explorer, in the order of their number keys.
public enum View: Int, Sendable, CaseIterable {
    case model = 1, weights, step, unit, input, units, plot, help

    /// The tab title.
    public var title: String {
        switch self {
        case .model: "Model"
        case .weights: "Weights"
        case .step: "Step"
        case .unit: "Unit"
        case .input: "Input"
        case .units: "Units"
        case .plot: "Plot"
        case .help: "Help"
        }
    }
}

/// A path being typed at the prompt.
public struct Prompt: Sendable, Equatable {
    /// What the line is for: a model's or an input's path, or a step to go to.
    public enum Purpose: Sendable, Equatable { case model, input, goTo, writeWindow }
    public var purpose: Purpose
    /// The path as typed.
    public var line: LineEditor
    /// Candidates shown after Tab when more than one matches.
    public var candidates: [String] = []

    /// A prompt for `purpose` that starts with `text`.
    public init(purpose: Purpose, text: String) {
        self.purpose = purpose
        line = LineEditor(text, limit: 4096)
    }

    /// The path as typed.
    public var text: String {
        get { line.text }
        set { line.replace(with: newValue) }
    }
}

/// Where the cursor is in the Weights view.
public struct WeightsCursor: Sendable, Equatable {
    /// Index into ``Model/parameters``.
    public var parameter = 0
    public var row = 0
    public var column = 0
    /// The zoomed-out overview (one cell per block of values) instead of one cell per value.
    public var overview = false
}

/// All the explorer's state in one value: `update` is the only place it changes, `render` only reads it.
public struct ExplorerState: Sendable {
    /// The model explored.
    public private(set) var model: Model
    /// The window replayed (T × xu).
    public private(set) var input: Matrix
    /// Where the window came from (a path or the default formula).
    public private(set) var inputSource: String
    /// Keras's output for this window, if the user gave one.
    public private(set) var expected: [Float]?
    /// The set ``input`` is one window of (`--input` of shape (N, T, xu)), if it is.
    public private(set) var windowSet: WindowSet?
    /// Which window of ``windowSet`` is shown (0-based, as `scan` numbers them).
    public internal(set) var windowIndex = 0
    /// The values the input edits replaced, latest last (`u` puts them back): row, column, value.
    public internal(set) var edits: [(row: Int, column: Int, value: Float)] = []
    /// Whether the screen has no colour (NO_COLOR, or a terminal without): the heat maps then
    /// draw negative values in shades of their own, as colour cannot say the sign.
    public var monochrome = false
    /// The Model view's first line shown, when it does not fit.
    public internal(set) var modelScroll = 0
    /// The Units view: its table's scope, order and selected row.
    public internal(set) var unitsTable = UnitsTable()
    /// The whole set's statistics as far as they have run (the Units view's set scope).
    public internal(set) var setStatistics: ScanStatistics?
    /// The current window's statistics, made when first drawn (a new table for each window).
    private(set) var windowStatisticsCache = MemoTable<Int, ScanStatistics?>()
    /// The largest |ours − Keras's| that still matches (`--tolerance`).
    public var tolerance: Float = OutputComparison.defaultTolerance
    /// Another implementation's numbers for this model and window (`--theirs`), compared.
    public var theirs: TheirsOverlay?
    /// Whether the Step view's table shows ours, theirs or the difference.
    public internal(set) var theirsDisplay = TheirsDisplay.ours
    /// ``input`` replayed through ``model``: all at once for small windows, lazily for long ones.
    public internal(set) var replay: WindowReplay
    /// The selected layer's steps held for drawing: always the current step and the one before
    /// it; the rest of the history strip is filled in idle time (``doPendingWork()``).
    public internal(set) var segment: LayerTrace
    /// The output had the window ended at ``t`` (last recurrent layer only), kept with the segment.
    public internal(set) var outputEndingHere: [Float]?
    /// For a half of a Bidirectional layer, once the window has run: the other half's h at
    /// the same time step (its step T − 1 − t), kept with the segment.
    public internal(set) var otherHalfHidden: [Float]?
    /// The layer and step ``otherHalfHidden`` was found for.
    var otherHalfAt: (layer: Int, t: Int)?
    /// The layer ``segment`` belongs to.
    var segmentLayer = 0
    /// The Plot view's zoom, position and vectors.
    public internal(set) var plot = PlotViewport()
    /// For a long window, the steps the Plot view shows when its summary is too coarse for them.
    var plotSegment: LayerTrace?
    /// The layer ``plotSegment`` belongs to.
    var plotSegmentLayer = 0
    /// Windows with a full trace above this many floats are replayed lazily.
    let eagerLimit: Int
    /// The parameters of ``model`` (computed once per model).
    public private(set) var parameters: [Parameter]
    /// Their statistics, computed when first drawn (a new one for each model).
    private(set) var statisticsCache = MemoTable<String, Statistics>()

    public internal(set) var view: View = .step
    /// The view to return to from Help and prompts.
    public internal(set) var previousView: View = .step
    /// First help line shown: the help scrolls on terminals too short for all of it.
    public internal(set) var helpScroll = 0
    /// Current timestep (0-based).
    public internal(set) var t = 0
    /// Index into ``ModelTrace/layers`` (recurrent layers).
    public internal(set) var layer = 0
    /// Selected unit in the Step and Unit views.
    public internal(set) var unit = 0
    /// The vector whose history strip the Step view shows.
    public internal(set) var historyVector = VectorName.h
    public internal(set) var weights = WeightsCursor()
    /// The Input view's row: the window row the step being looked at reads.
    public var inputRow: Int { shownT }
    /// The Input view's column: the feature under the cursor.
    public internal(set) var inputColumn = 0
    /// Text typed while editing an input value, nil when not editing.
    public internal(set) var valueEditor: LineEditor?
    /// The value being typed in the Input view, if one is.
    public var editText: String? { valueEditor?.text }
    public internal(set) var prompt: Prompt?
    /// Whether the animation runs (the shell sends `.tick` while it does).
    public internal(set) var playing = false
    /// Index into ``playSpeeds``: how fast play runs.
    public internal(set) var playSpeedIndex = 0
    /// Play speeds, in steps a second (the first is the explorer's first speed).
    public static let playSpeeds: [Double] = [2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
    /// Steps a second while playing.
    public var playSpeed: Double { Self.playSpeeds[playSpeedIndex] }
    /// Seconds between frames while playing: as the speed asks, but at most 30 frames a
    /// second; faster speeds move several steps a frame.
    public var playTickSeconds: Double { max(1.0 / 30, 1 / playSpeed) }
    /// Steps one frame moves.
    var stepsPerTick: Int { max(1, Int((playSpeed * playTickSeconds).rounded())) }
    /// What the status bar says, if anything.
    public internal(set) var status: StatusMessage?
    /// The status bar's text.
    public var message: String? { status?.text }
    /// Whether the status bar reports a problem.
    public var messageIsError: Bool { status?.isError ?? false }
    /// Terminal size.
    public internal(set) var width: Int
    public internal(set) var height: Int
    /// Glyph set (Unicode or ASCII).
    public let glyphs: Glyphs

    /// Creates the state for a loaded model and window.
    public init(
        model: Model, input: Matrix?, inputSource: String? = nil, expected: [Float]? = nil,
        width: Int = 80, height: Int = 24, glyphs: Glyphs = .unicode,
        eagerLimit: Int = WindowReplay.defaultEagerLimit
    ) throws(ShapeError) {
        self.model = model
        let window: Matrix
        if let input { window = input } else { window = try ExplorerState.defaultWindow(for: model) }
        self.input = window
        self.inputSource = input == nil ? "default window \(Matrix.sineWindowFormula)" : (inputSource ?? "input")
        self.expected = expected
        self.eagerLimit = eagerLimit
        self.replay = try Self.startReplay(model, window, eagerLimit: eagerLimit)
        self.segment = replay.segment(layer: 0, steps: 0..<1)
        self.parameters = model.parameters
        self.width = width
        self.height = height
        self.glyphs = glyphs
        self.t = 0
        refreshSegment()
    }

    /// The documented default window for a model: its look-back (or 10) rows of `sin(0.5·t + k)`.
    public static func defaultWindow(for model: Model) throws(ShapeError) -> Matrix {
        try Matrix.checkedSineWindow(steps: model.lookBack ?? 10, features: model.inputSize)
    }

    /// Number of timesteps in the window.
    public var steps: Int { input.rows }

    /// t as every view, message and command shows it: the window's row, 0 … T − 1, as `trace`,
    /// `compare` and `scan` number steps. The selected layer's step ``t`` is that row, or for a
    /// layer that reads backwards (a Bidirectional's backward half, go_backwards) row T − 1 − t.
    public var shownT: Int { windowRow(ofStep: t) }

    /// The window row recurrent layer `l` (the selected one by default) reads at its step
    /// `step`, and (the same map) the layer's step that reads row `step`.
    func windowRow(ofStep step: Int, layer l: Int? = nil) -> Int {
        replay.layers[l ?? layer].readsBackwards ? steps - 1 - step : step
    }

    /// The selected recurrent layer's trace around the current step (see ``segment``).
    public var layerTrace: LayerTrace { segment }

    /// The selected recurrent layer, of any kind.
    public var selectedLayer: any RecurrentLayer { model.tracedLayers[layer] }

    /// The activation a vector of the selected layer comes out of, as the tables label it
    /// (nil for the state vectors c and h).
    func activationLabel(of vector: VectorName) -> String? {
        selectedLayer.activation(of: vector).map { $0 == .sigmoid ? glyphs.sigma : $0.kerasName }
    }

    /// Ours against Keras's when an expected output was given and ours is computed (the same
    /// rule as `trace --expect`: NaN never matches a number).
    public var expectedComparison: OutputComparison? {
        guard let expected, let output = replay.output else { return nil }
        return OutputComparison(output: output, expected: expected)
    }

    // MARK: Changes that keep the state consistent

    /// Theirs belongs to the model and window it was compared on: a change lets it go.
    mutating func dropTheirs() {
        theirs = nil
        theirsDisplay = .ours
    }

    mutating func replaceModel(_ newModel: Model) throws(ShapeError) {
        let keepInput =
            input.columns == newModel.inputSize && (newModel.lookBack == nil || newModel.lookBack == input.rows)
        if !keepInput { windowSet = nil }
        setStatistics = nil
        windowStatisticsCache = MemoTable()
        let window: Matrix
        if keepInput { window = input } else { window = try ExplorerState.defaultWindow(for: newModel) }
        let newReplay = try Self.startReplay(newModel, window, eagerLimit: eagerLimit)
        dropTheirs()
        model = newModel
        replay = newReplay
        parameters = newModel.parameters
        statisticsCache = MemoTable()
        if !keepInput {
            input = window
            inputSource = "default window \(Matrix.sineWindowFormula)"
            expected = nil
        }
        clampSelections()
    }

    /// Shows window `k` of ``windowSet`` (clamped to the set), with its expected output.
    mutating func showWindow(_ k: Int) throws(ShapeError) {
        guard let set = windowSet else { return }
        let k = clamp(k, 0, set.count - 1)
        let newReplay = try Self.startReplay(model, set.window(k), eagerLimit: eagerLimit)
        dropTheirs()
        windowIndex = k
        edits = []
        windowStatisticsCache = MemoTable()
        input = set.window(k)
        inputSource = Self.windowSource(set, k)
        expected = set.expected?[k]
        replay = newReplay
        clampSelections()
        refreshSegment(force: true)
    }

    /// `x.npy, window 17 of 200`.
    static func windowSource(_ set: WindowSet, _ k: Int) -> String { "\(set.name), window \(k) of \(set.count)" }

    /// Opens the explorer on `set` (its first window), replacing the window shown.
    public mutating func open(_ set: WindowSet) throws(ShapeError) {
        windowSet = set
        setStatistics = nil
        try showWindow(0)
    }

    mutating func replaceInput(_ window: Matrix, source: String) throws(ShapeError) {
        edits = []
        windowSet = nil
        windowIndex = 0
        setStatistics = nil
        windowStatisticsCache = MemoTable()
        let newReplay = try Self.startReplay(model, window, eagerLimit: eagerLimit)
        dropTheirs()
        // Keras's output belongs to the window it was computed for.
        if source != inputSource { expected = nil }
        input = window
        inputSource = source
        replay = newReplay
        clampSelections()
    }

    /// Whether the window shown is the one given with edits made to it.
    public var inputIsEdited: Bool { !edits.isEmpty }

    mutating func setInputValue(row: Int, column: Int, to value: Float, undoing: Bool = false) throws(ShapeError) {
        var window = input
        let old = window[row, column]
        window[row, column] = value
        replay = try Self.startReplay(model, window, eagerLimit: eagerLimit)
        dropTheirs()
        input = window
        windowStatisticsCache = MemoTable()
        if undoing {
            edits.removeLast()
            if edits.isEmpty { inputSource = inputSource.replacingSuffix(" (edited)") }
        } else {
            edits.append((row, column, old))
            if !inputSource.hasSuffix("(edited)") { inputSource += " (edited)" }
        }
        // Forced: the steps held were computed from the old window.
        refreshSegment(force: true)
    }

    /// A replay with its first interval run, so the first frame has step 0.
    private static func startReplay(_ model: Model, _ window: Matrix, eagerLimit: Int) throws(ShapeError)
        -> WindowReplay
    {
        var replay = try WindowReplay(model: model, input: window, eagerLimit: eagerLimit)
        replay.advance(steps: WindowReplay.checkpointInterval)
        return replay
    }

    mutating func clampSelections() {
        layer = min(layer, replay.layers.count - 1)
        t = clamp(t, 0, steps - 1)
        unit = clamp(unit, 0, replay.layers[layer].units - 1)
        inputColumn = min(inputColumn, input.columns - 1)
        weights.parameter = min(weights.parameter, max(parameters.count - 1, 0))
        if let p = parameters[safe: weights.parameter] {
            weights.row = min(weights.row, p.matrix.rows - 1)
            weights.column = min(weights.column, p.matrix.columns - 1)
        }
        if !replay.layers[layer].vectorNames.contains(historyVector) { historyVector = .h }
        // The Units view's order by a vector this layer does not have (another kind) goes back to units.
        let traced = model.tracedLayers[layer]
        if !UnitsTable.columns(traced.vectorNames.map(traced.activation(of:))).contains(unitsTable.column) {
            unitsTable.column = .unit
            unitsTable.descending = false
        }
        unitsTable.row = clamp(unitsTable.row, 0, traced.units - 1)
        refreshSegment(force: true)
    }
}

/// `x` kept within `low…high`; `high` wins when the range is empty, and nothing traps.
func clamp(_ x: Int, _ low: Int, _ high: Int) -> Int { min(max(x, low), high) }

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
