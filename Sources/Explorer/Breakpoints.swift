/// The terminal widths at which views change their layout, named once so that every view agrees
/// on what "narrow" and "wide" mean.
enum Breakpoint {
    /// Below this the Step view drops its bars and packs its columns.
    static let tight = 74
    /// Below this views use their narrow layout (80 columns is the classic terminal).
    static let narrow = 80
    /// From this on the Step view shows its full columns and the Model view its wide table.
    static let wide = 100
    /// From this on the Step view's gate bars are at their widest.
    static let widest = 110
}
