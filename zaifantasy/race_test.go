//go:build race

package zaifantasy_test

const raceEnabled = true
