//go:build race

package text

// raceEnabled: the race detector slows the code ten times, which makes
// timing tests meaningless.
const raceEnabled = true
