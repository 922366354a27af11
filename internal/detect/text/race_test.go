//go:build race

package text

// raceEnabled: the race detector slows the code ten times, which makes
// timing tests meaningless.
const raceEnabled = true

// raceStride: under the race detector the equivalence tests check every
// eighth text of their corpora, which would take minutes otherwise;
// scripts/test runs them whole without it.
const raceStride = 8
