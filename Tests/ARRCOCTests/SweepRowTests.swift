import Testing
@testable import ARRCOC

/// `results.csv` lines: the typed status written and read back without changing a byte.
@Suite struct SweepRowTests {
    static let run = SweepRun(index: 0, video: "v", strategy: "arrcoc", parameters: [:], format: .qwen3vl, mode: .resize, budget: 10, delta: 1)
    static let metrics = Metrics(delta: 1, temporalRecall: 0, precision: 0, f1: 0, eventHit: 0, detailRecall: 0, tokenShareOnEvents: 0,
                                 tokensUsed: 0, budget: 10, qwen3vlDefaultTokens: 1680, compressionRatio: 0)

    @Test func okAndFailedRowsRoundTripByteForByte() throws {
        let ok = SweepRow(run: Self.run, status: .ok, blocks: 0, metrics: Self.metrics)
        #expect(ok.line == "v,arrcoc,,qwen3vl,resize,10,1,ok,0,0,0,0,0,0,0,0,1680,0")
        let error = AllocationError.budgetTooSmall(budget: 10, minimum: 73)
        let failed = SweepRow(run: Self.run, status: .init(error: error), blocks: 0, metrics: Self.metrics)
        #expect(failed.status == .failed(reason: error.localizedDescription))
        #expect(failed.line.split(separator: ",", omittingEmptySubsequences: false).count == 18)  // the description's commas do not split the record
        #expect(failed.status.field == "error: budget 10 tokens is below the smallest feasible sequence: one whole frame at the smallest grid needs 73 tokens (vision tokens + timestamp + vision_start/vision_end); every sequence starts from such a block")
        for row in [ok, failed] {
            let back = try #require(SweepRow(line: row.line))
            #expect(back.line == row.line && back.status.isOK == row.status.isOK)
        }
        #expect(SweepRow.Status(field: "error: a; b") == .failed(reason: "a; b"))
    }
}
