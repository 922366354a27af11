package near

import "math"

// LSH tuning. A pair of texts with Jaccard similarity s shares the MinHash
// values of one band of r rows with probability s^r, so it becomes a
// candidate in at least one of b bands with probability 1-(1-s^r)^b. tune
// picks, for the index's threshold, the longest band (fewest dissimilar
// candidates) that still reaches targetRecall within maxBands bands; each
// band costs about 12 bytes per entry.
const (
	targetRecall = 0.99
	maxBands     = 10
	maxRows      = 32
)

// tune returns the bands and rows for a similarity threshold in (0, 1].
func tune(threshold float64) (bands, rows int) {
	bands, rows = maxBands, 1
	for r := 1; r <= maxRows; r++ {
		b := int(math.Ceil(math.Log(1-targetRecall) / math.Log(1-math.Pow(threshold, float64(r)))))
		if b > maxBands {
			break
		}
		bands, rows = max(b, 1), r
	}
	return bands, rows
}

// candidateProbability is the chance that a pair with Jaccard similarity s
// shares at least one band.
func candidateProbability(s float64, bands, rows int) float64 {
	return 1 - math.Pow(1-math.Pow(s, float64(rows)), float64(bands))
}

// minhasher computes MinHash signatures. Hash function i maps a shingle hash
// x to a[i]*x + c[i] mod 2^64: with a odd this is a permutation of the
// 64-bit values, it costs one multiply-add, and because x is already a
// well-mixed hash the permutations order shingles close enough to
// independently (the recall tests measure it).
type minhasher struct {
	a, c []uint64
}

// newMinhasher derives n permutations from a fixed seed (splitmix64), so
// signatures are the same on every run.
func newMinhasher(n int) minhasher {
	m := minhasher{a: make([]uint64, n), c: make([]uint64, n)}
	state := uint64(hashSeed)
	next := func() uint64 {
		state += 0x9e3779b97f4a7c15
		return mix64(state)
	}
	for i := range n {
		m.a[i] = next() | 1
		m.c[i] = next()
	}
	return m
}

// signature writes the minimum of each permutation over the shingles to sig
// (len(sig) == number of permutations). The loop runs per permutation so
// the running minimum stays in a register and min compiles to a
// conditional move.
func (m minhasher) signature(sig []uint64, shingles []uint64) {
	a, c := m.a[:len(sig)], m.c[:len(sig)]
	for i := range sig {
		ai, ci := a[i], c[i]
		v := uint64(math.MaxUint64)
		for _, x := range shingles {
			v = min(v, ai*x+ci)
		}
		sig[i] = v
	}
}

// bandKeys hashes each band of rows signature values to a 32-bit key.
func bandKeys(keys []uint32, sig []uint64, rows int) {
	for j := range keys {
		keys[j] = uint32(hashSeq(sig[j*rows : (j+1)*rows]))
	}
}
