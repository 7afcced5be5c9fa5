# Sourced by the benchmark scripts: builds `railyard` in $configuration (debug or release; a
# release build has a scratch folder of its own, so the two never rebuild each other) and sets
# bin to it. Run from the package root.
scratch=.build
[ "$configuration" = release ] && scratch=.build-release
swift build -c "$configuration" --scratch-path "$scratch" --product railyard >/dev/null
bin=$(swift build -c "$configuration" --scratch-path "$scratch" --show-bin-path)/railyard
