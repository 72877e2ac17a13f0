//go:build race

package main

// raceEnabled: the tests were built with -race, so the module copies they
// test are too, and share the race-built packages in the build cache.
const raceEnabled = true
