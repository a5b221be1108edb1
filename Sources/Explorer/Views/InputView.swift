import LSTMCore
import Reports

extension ExplorerState {
    /// Input view: the window as a table (t × feature) with a cursor; Enter edits a value and the
    /// whole trace recomputes at once.
    func drawInputView(_ canvas: inout Canvas, _ area: Area) {
        var y = area.y
        let position = "   t = \(inputRow) of 0–\(steps - 1), x\(inputColumn) of \(input.columns)"
        let lead = " input window \(steps) × \(input.columns) from "
        let title = lead + shown(inputSource, limit: max(12, width - 1 - lead.count - position.count))
        let x0 = canvas.put(title, x: 0, y: y, style: .heading, maxWidth: width)
        canvas.put(position, x: x0, y: y, style: .muted, maxWidth: width - x0)
        y += 1
        let output =
            replay.output.map { VectorLine(values: $0, limit: 6).text(glyphs) }
            ?? "being computed (\(progressText))"
        canvas.put(" model output for this window: \(output)", x: 0, y: y, style: .muted, maxWidth: width)
        y += 2
        let cellWidth = 9
        let visibleColumns = max(1, (width - 8) / cellWidth)
        let firstColumn = scrollStart(selected: inputColumn, count: input.columns, visible: visibleColumns)
        var x = canvas.put("     t ", x: 0, y: y, style: .heading)
        for k in firstColumn..<min(input.columns, firstColumn + visibleColumns) {
            x = canvas.put("x\(k)".rightAligned(cellWidth - 1) + " ", x: x, y: y, style: .heading)
        }
        y += 1
        let editRows = editText == nil ? 0 : 2
        let visibleRows = max(1, area.bottom - y - editRows)
        let firstRow = scrollStart(selected: inputRow, count: steps, visible: visibleRows)
        for row in firstRow..<min(steps, firstRow + visibleRows) {
            let label = String(row).rightAligned(6) + " "
            var x = canvas.put(label, x: 0, y: y, style: row == inputRow ? .heading : .muted)
            for k in firstColumn..<min(input.columns, firstColumn + visibleColumns) {
                let selected = row == inputRow && k == inputColumn
                x = canvas.put(
                    signed(input[row, k]).rightAligned(cellWidth - 1), x: x, y: y, style: selected ? .selected : .plain)
                x = canvas.put(" ", x: x, y: y)
            }
            y += 1
        }
        if let valueEditor {
            let x = canvas.put(" t = \(inputRow), x\(inputColumn) = ", x: 0, y: area.bottom - 1, style: .heading)
            drawLine(&canvas, valueEditor, x: x, y: area.bottom - 1)
        }
    }
}
