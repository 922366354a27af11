// Package price judges listing prices against robust statistics of the
// recent prices in the same marketplace, category and currency (R-L3):
// price 0, unreasonably high or low, significantly below market, and a
// protected brand offered at a price no genuine item sells for.
//
// # Statistics
//
// The centre is the median and the spread the median absolute deviation
// (MAD) of the last N prices, both unmoved by a few absurd prices the way a
// mean and standard deviation are. Every MAD in this package — in Summary,
// in Params and in finding thresholds — is the scaled MAD, raw MAD × 1.4826,
// which estimates the standard deviation when prices are roughly normal, so
// "3.5 MAD" reads like "3.5 standard deviations".
package price

import (
	"cmp"
	"slices"
	"sync"
)

// madScale turns the raw MAD into an estimate of the standard deviation
// for normally distributed data (1/Φ⁻¹(3/4)).
const madScale = 1.4826

// DefaultWindow is the number of recent prices kept per key when New is
// given none: enough for a stable median and MAD, small enough (16 KB per
// key) for tens of thousands of categories.
const DefaultWindow = 1000

// Summary describes the recent prices of one key.
type Summary struct {
	// N is the number of prices in the window.
	N int `json:"n"`
	// Median is the median price in minor units.
	Median float64 `json:"median"`
	// MAD is the scaled median absolute deviation (raw MAD × 1.4826).
	MAD float64 `json:"mad"`
}

// Stats keeps the last window prices per key. It is safe for concurrent
// use.
//
// Each key holds its prices twice: in arrival order (a ring buffer, to know
// which price leaves the window) and sorted. Add moves at most window-1
// values within the sorted copy (one memmove, about 0.1 µs at the default
// window) after two binary searches; Snapshot reads the median in O(1) and
// finds the MAD in O(log window) without sorting anything (see mad).
type Stats struct {
	window int

	mu   sync.RWMutex
	keys map[string]*series
}

// series is one key's window.
type series struct {
	mu     sync.Mutex
	ring   []int64 // in arrival order, oldest at next once full
	next   int
	sorted []int64
}

// New returns empty statistics keeping the last window prices per key;
// window ≤ 0 means DefaultWindow.
func New(window int) *Stats {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Stats{window: window, keys: make(map[string]*series)}
}

// Key builds the statistics key for a marketplace, category and currency.
// The separator cannot occur in ids, so different triples never collide.
func Key(marketplace, category, currency string) string {
	return marketplace + "\x00" + category + "\x00" + currency
}

// Add records a price in minor units. Prices ≤ 0 are ignored: they are
// errors to flag (price.zero), not market data.
func (s *Stats) Add(key string, amount int64) {
	if amount <= 0 {
		return
	}
	s.mu.RLock()
	ser := s.keys[key]
	s.mu.RUnlock()
	if ser == nil {
		s.mu.Lock()
		if ser = s.keys[key]; ser == nil {
			ser = &series{ring: make([]int64, 0, s.window), sorted: make([]int64, 0, s.window)}
			s.keys[key] = ser
		}
		s.mu.Unlock()
	}
	ser.mu.Lock()
	defer ser.mu.Unlock()
	ser.add(amount)
}

// add puts v into the window, evicting the oldest price once it is full.
func (ser *series) add(v int64) {
	if len(ser.ring) < cap(ser.ring) {
		ser.ring = append(ser.ring, v)
		i, _ := slices.BinarySearch(ser.sorted, v)
		ser.sorted = slices.Insert(ser.sorted, i, v)
		return
	}
	old := ser.ring[ser.next]
	ser.ring[ser.next] = v
	ser.next = (ser.next + 1) % len(ser.ring)
	// Replace old by v in the sorted copy, shifting only the values
	// between the two positions.
	s := ser.sorted
	i, _ := slices.BinarySearch(s, old)
	j, _ := slices.BinarySearch(s, v)
	if j > i {
		copy(s[i:j-1], s[i+1:j])
		s[j-1] = v
	} else {
		copy(s[j+1:i+1], s[j:i])
		s[j] = v
	}
}

// Snapshot returns the summary of key's window, and false when the key has
// no prices.
func (s *Stats) Snapshot(key string) (Summary, bool) {
	s.mu.RLock()
	ser := s.keys[key]
	s.mu.RUnlock()
	if ser == nil {
		return Summary{}, false
	}
	ser.mu.Lock()
	defer ser.mu.Unlock()
	med := median(ser.sorted)
	return Summary{N: len(ser.sorted), Median: med, MAD: madScale * mad(ser.sorted, med)}, true
}

// median returns the median of sorted values (the mean of the middle two
// when there is an even number).
func median(s []int64) float64 {
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return (float64(s[n/2-1]) + float64(s[n/2])) / 2
}

// mad returns the raw median absolute deviation of sorted values from med.
// The deviations of the values below med, read from med outwards, ascend,
// and so do those of the values from med upwards: the MAD is the median of
// the merge of two sorted sequences, found by binary search without
// building either.
func mad(s []int64, med float64) float64 {
	n := len(s)
	p, _ := slices.BinarySearchFunc(s, med, func(v int64, m float64) int { return cmp.Compare(float64(v), m) })
	d := deviations{s: s, p: p, med: med}
	if n%2 == 1 {
		return d.kth(n / 2)
	}
	return (d.kth(n/2-1) + d.kth(n/2)) / 2
}

// deviations is the two ascending sequences of absolute deviations of a
// sorted slice from med: below(t) = med - s[p-1-t] for t < p, and
// above(t) = s[p+t] - med for t < len(s)-p.
type deviations struct {
	s   []int64
	p   int
	med float64
}

// below and above return the t-th smallest deviation on each side.
func (d deviations) below(t int) float64 { return d.med - float64(d.s[d.p-1-t]) }
func (d deviations) above(t int) float64 { return float64(d.s[d.p+t]) - d.med }

// kth returns the k-th smallest (from 0) deviation. It searches for how
// many, i, of the k+1 smallest come from below: the least i with
// below(i) ≥ above(k-i), so that the k+1 smallest are below(0..i-1) and
// above(0..k-i); the answer is the larger of their last ones.
func (d deviations) kth(k int) float64 {
	nb, na := d.p, len(d.s)-d.p
	lo, hi := max(0, k+1-na), min(k+1, nb)
	for lo < hi {
		i := int(uint(lo+hi) >> 1)
		if d.below(i) < d.above(k-i) {
			lo = i + 1
		} else {
			hi = i
		}
	}
	i, j := lo, k+1-lo
	var v float64
	if i > 0 {
		v = d.below(i - 1)
	}
	if j > 0 {
		v = max(v, d.above(j-1))
	}
	return v
}
