//go:build race

package main

// raceEnabled skips TestNewFieldReachesEveryRoad under -race: it checks
// generated code, not concurrency, and builds the package twice.
const raceEnabled = true
