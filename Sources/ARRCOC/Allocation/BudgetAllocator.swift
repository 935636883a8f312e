/// Chooses timestamps and a token grid per chosen frame under a budget. One job, many
/// strategies (`arrcoc`, `uniform`, …) behind the same interface, so sweeps compare like with like.
public protocol BudgetAllocator: Sendable {
    /// The name used on the command line and in manifests.
    var name: String { get }
    /// Parameters worth recording in the manifest.
    var parameters: [String: String] { get }
    /// Blocks in time order whose total tokens (vision + overhead) never exceed the budget.
    func allocate(_ input: AllocationInput) throws -> Allocation
}
