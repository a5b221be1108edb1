extension KernelShard {
    /// Runs the windows `inputs` (T × inputSize each, the same T) together from their states
    /// (`h[b]`, `c[b]`, left at the state after the last row), keeping every vector: per window
    /// i, f, c̃, o, c, h, T × hu each. This shard must be the whole layer.
    ///
    /// At each step x·W and h·U are products of the whole batch with W and U (each panel read
    /// once for all the windows, four windows sharing every load), then each window's gates
    /// and state as ``runAlone(_:order:state:sink:)`` computes them. Every number rounds as it
    /// does there: the products sum in the same order (U's rows by the step's parity), so a
    /// window gives the same bits alone or in a batch.
    func runBatch(_ inputs: [Matrix], h: inout [[Float]], c: inout [[Float]]) -> [[[Float]]] {
        precondition(count == layerUnits && !inputs.isEmpty, "a batch runs on a shard that is the whole layer")
        precondition(
            inputs.allSatisfy { $0.columns == inputSize && $0.rows == inputs[0].rows } && h.count == inputs.count
                && c.count == inputs.count && h.allSatisfy { $0.count == count } && c.allSatisfy { $0.count == count },
            "a batch of windows of one length, with one state of the layer's units each")
        let n = count, slack = Self.slack, padded = u.paddedColumns, batch = inputs.count
        let steps = inputs[0].rows, xu = inputSize, vectorFloats = steps * n
        var xs = [Float](repeating: 0, count: batch * xu)
        // The gates of window b read up to 16 lanes past its units, and write h up to 7 past: into the next
        // window's row (whose h·U is done, and which is rewritten next), or into the slack at the end.
        var z = [Float](repeating: 0, count: batch * padded + 4 * slack)
        var hs = [Float](repeating: 0, count: batch * n + slack)
        var cs = [Float](repeating: 0, count: batch * (n + slack))
        var gates = [Float](repeating: 0, count: 4 * (n + slack))
        let series = UnsafeMutablePointer<Float>.allocate(capacity: batch * 6 * vectorFloats)
        defer { series.deallocate() }
        for b in 0..<batch {
            hs.replaceSubrange(b * n..<(b + 1) * n, with: h[b])
            cs.replaceSubrange(b * (n + slack)..<b * (n + slack) + n, with: c[b])
        }
        let sinks = (0..<batch).map { b in
            let base = series + b * 6 * vectorFloats
            return TraceSink(
                i: base, f: base + vectorFloats, cTilde: base + 2 * vectorFloats, o: base + 3 * vectorFloats,
                c: base + 4 * vectorFloats, h: base + 5 * vectorFloats)
        }
        let rows = inputs.map(\.values)
        xs.withUnsafeMutableBufferPointer { xs in
            z.withUnsafeMutableBufferPointer { z in
                hs.withUnsafeMutableBufferPointer { hs in
                    cs.withUnsafeMutableBufferPointer { cs in
                        gates.withUnsafeMutableBufferPointer { g in
                            for step in 0..<steps {
                                for b in 0..<batch {
                                    rows[b].withUnsafeBufferPointer { x in
                                        (xs.baseAddress! + b * xu).update(from: x.baseAddress! + step * xu, count: xu)
                                    }
                                    (z.baseAddress! + b * padded).update(from: bias, count: padded)
                                }
                                w.multiplyRows(
                                    xs.baseAddress!, count: batch, adding: z.baseAddress!, into: z.baseAddress!)
                                u.multiplyEach(
                                    hs.baseAddress!, count: batch, adding: z.baseAddress!, into: z.baseAddress!,
                                    backward: step & 1 == 1)
                                for b in 0..<batch {
                                    let cb = cs.baseAddress! + b * (n + slack), hb = hs.baseAddress! + b * n
                                    updateState(
                                        z: z.baseAddress! + b * padded, h: hb, c: cb, gates: g.baseAddress!,
                                        gateStride: n + slack)
                                    record(
                                        step: step, into: sinks[b], h: hb, c: cb, gates: g.baseAddress!,
                                        gateStride: n + slack)
                                }
                            }
                        }
                    }
                }
            }
        }
        for b in 0..<batch {
            h[b] = Array(hs[b * n..<(b + 1) * n])
            c[b] = Array(cs[b * (n + slack)..<b * (n + slack) + n])
        }
        return (0..<batch).map { b in
            (0..<6).map { k in
                Array(UnsafeBufferPointer(start: series + (b * 6 + k) * vectorFloats, count: vectorFloats))
            }
        }
    }
}
