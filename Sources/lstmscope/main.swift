import ArgumentParser
import Foundation
import ModelIO
import Reports

MemoryTuning.keepFreedMemory()

// Exit codes: 0 success, 1 a bad input file, 2 bad usage, 3 trace differs from --expect.
do {
    try Lstmscope.refuseMistypedCommand(Array(CommandLine.arguments.dropFirst()))
    var command = try Lstmscope.parseAsRoot()
    try command.run()
} catch let error as LoadError {
    Console.error(terminalSafe(error.description))
    exit(1)
} catch let error as UsageError {
    Console.error(error.message)
    exit(2)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let code = Lstmscope.exitCode(for: error)
    if code == .validationFailure {
        // ArgumentParser starts its message with "Error: "; ours already says "error:".
        let message = Lstmscope.fullMessage(for: error)
        Console.error(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
        exit(2)
    }
    Lstmscope.exit(withError: error)
}
