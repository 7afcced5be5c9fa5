import RailyardCLI

@main
extension RailyardCommand {}
