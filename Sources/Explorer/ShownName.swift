extension ExplorerState {
    /// A name that came from a file (layer, model, path), shortened in the middle with an
    /// ellipsis when longer than `limit`, so a 10,000-character layer name cannot push the
    /// rest of a line off the screen. (Control characters are made visible by the Canvas.)
    func shown(_ name: String, limit: Int = 32) -> String {
        guard name.count > limit, limit > glyphs.ellipsis.count + 2 else { return name }
        let keep = limit - glyphs.ellipsis.count
        let head = (keep + 1) / 2
        return String(name.prefix(head)) + glyphs.ellipsis + String(name.suffix(keep - head))
    }
}
