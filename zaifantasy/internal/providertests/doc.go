// Package providertests runs fantasy's own provider test suite against
// zaifantasy, on fantasy's recorded Z.ai exchanges.
//
// The suite's drivers (common_test.go and object_test.go of
// charm.land/fantasy/providertests) are not importable: they are test files
// of fantasy's module. TestFantasyProviderSuite in the parent package adds
// them to this package from the module cache with go test -overlay, builds
// with the fantasysuite tag, and runs the test binary in fantasy's
// providertests directory, where its cassettes are. Nothing of fantasy's
// is copied into this repository.
package providertests
