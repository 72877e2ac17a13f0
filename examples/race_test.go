//go:build race

package examples_test

// raceEnabled: the tests were built with -race, so the copied examples are
// too, and share the race-built packages already in the build cache.
const raceEnabled = true
