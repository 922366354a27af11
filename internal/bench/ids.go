package bench

import (
	"encoding/hex"
	"sync"
	"time"
)

// Clock is the data generator's simulated clock: the services it runs
// take their time from it, so the history they write spans weeks in
// minutes. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t; it never goes back.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t.UTC()
	}
	c.mu.Unlock()
}

// seededIDs returns a generator of UUIDv7 strings whose timestamp is
// clock's and whose other bits are a counter mixed with seed: ordered by
// time as the services' IDs are, unique, and the same on every run with
// the same seed and clock.
func seededIDs(seed uint64, clock func() time.Time) func() string {
	var mu sync.Mutex
	var n uint64
	return func() string {
		mu.Lock()
		n++
		c := n
		mu.Unlock()
		var b [16]byte
		ms := uint64(clock().UnixMilli())
		for i := range 6 {
			b[i] = byte(ms >> (40 - 8*i))
		}
		s := splitmix(seed)
		b[6], b[7] = 0x70|byte(s>>60&0x0f), byte(s>>52)
		// 62 bits of counter under the variant bits: unique and increasing.
		for i := range 8 {
			b[8+i] = byte(c >> (56 - 8*i))
		}
		b[8] = 0x80 | b[8]&0x3f
		var out [36]byte
		hex.Encode(out[0:8], b[0:4])
		out[8] = '-'
		hex.Encode(out[9:13], b[4:6])
		out[13] = '-'
		hex.Encode(out[14:18], b[6:8])
		out[18] = '-'
		hex.Encode(out[19:23], b[8:10])
		out[23] = '-'
		hex.Encode(out[24:], b[10:])
		return string(out[:])
	}
}

// seededReferences returns a generator of report references in the
// format cases.NewReference draws (VR-7K2M-Q9XD): 40 bits that are a
// bijection of a counter, so they never repeat within a run, scrambled
// with seed.
func seededReferences(seed uint64) func() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // cases.referenceAlphabet
	var mu sync.Mutex
	var n uint64
	return func() string {
		mu.Lock()
		n++
		v := (n*0x9E3779B97F + splitmix(seed)) & (1<<40 - 1) // an odd multiplier permutes 40 bits
		mu.Unlock()
		out := []byte("VR-")
		for i := range 8 {
			if i == 4 {
				out = append(out, '-')
			}
			out = append(out, alphabet[v>>(35-5*i)&31])
		}
		return string(out)
	}
}

// splitmix is SplitMix64's output function: it spreads a seed's bits.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}
