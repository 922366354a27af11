//go:build !race

package text

// raceEnabled: see race_test.go.
const raceEnabled = false

// raceStride: see race_test.go.
const raceStride = 1
