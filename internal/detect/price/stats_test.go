package price

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// naive computes the summary the slow, obvious way.
func naive(prices []int64) Summary {
	s := slices.Sorted(slices.Values(prices))
	mid := func(v []float64) float64 {
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	f := make([]float64, len(s))
	for i, v := range s {
		f[i] = float64(v)
	}
	med := mid(f)
	dev := make([]float64, len(s))
	for i, v := range f {
		dev[i] = math.Abs(v - med)
	}
	slices.Sort(dev)
	return Summary{N: len(s), Median: med, MAD: madScale * mid(dev)}
}

func TestSnapshot(t *testing.T) {
	tests := []struct {
		name        string
		prices      []int64
		median, mad float64 // mad raw, before scaling
	}{
		{"one", []int64{500}, 500, 0},
		{"two", []int64{100, 200}, 150, 50},
		{"odd with an outlier", []int64{1, 2, 3, 4, 100}, 3, 1},
		{"even", []int64{40, 10, 30, 20}, 25, 10},
		{"all the same", []int64{2500, 2500, 2500, 2500}, 2500, 0},
		{"zero and negative ignored", []int64{0, -5, 700, 900, 800}, 800, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(100)
			for _, p := range tt.prices {
				s.Add("k", p)
			}
			got, ok := s.Snapshot("k")
			if !ok || got.Median != tt.median || math.Abs(got.MAD-madScale*tt.mad) > 1e-9 {
				t.Errorf("Snapshot = %+v, %v; want median %v, MAD %v×1.4826", got, ok, tt.median, tt.mad)
			}
		})
	}
	if _, ok := New(10).Snapshot("missing"); ok {
		t.Error("Snapshot of an unknown key reports data")
	}
}

// TestWindow checks eviction and the incremental median and MAD against a
// recomputation over the last window prices, with many repeated values.
func TestWindow(t *testing.T) {
	for _, window := range []int{1, 2, 7, 64} {
		t.Run(fmt.Sprint(window), func(t *testing.T) {
			s := New(window)
			r := rand.New(rand.NewPCG(1, uint64(window)))
			var all []int64
			for i := range 2000 {
				p := 1 + r.Int64N(50)
				if i%10 == 0 {
					p *= 1000 // outliers
				}
				s.Add("k", p)
				all = append(all, p)
				want := naive(all[max(0, len(all)-window):])
				got, _ := s.Snapshot("k")
				if got.N != want.N || got.Median != want.Median || math.Abs(got.MAD-want.MAD) > 1e-9 {
					t.Fatalf("after %d prices: %+v, want %+v", i+1, got, want)
				}
			}
		})
	}
}

func TestKeys(t *testing.T) {
	s := New(0)
	s.Add(Key("m1", "phones", "EUR"), 100)
	s.Add(Key("m1", "phones", "GBP"), 900)
	if got, _ := s.Snapshot(Key("m1", "phones", "EUR")); got.N != 1 || got.Median != 100 {
		t.Errorf("EUR: %+v", got)
	}
	if got, _ := s.Snapshot(Key("m1", "phones", "GBP")); got.N != 1 || got.Median != 900 {
		t.Errorf("GBP: %+v", got)
	}
	if s.window != DefaultWindow {
		t.Errorf("window %d, want the default", s.window)
	}
}

func TestConcurrent(t *testing.T) {
	s := New(50)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				s.Add(fmt.Sprint("k", i%3), int64(1+w*1000+i))
				s.Snapshot(fmt.Sprint("k", (i+1)%3))
			}
		})
	}
	wg.Wait()
	for k := range 3 {
		if got, _ := s.Snapshot(fmt.Sprint("k", k)); got.N != 50 {
			t.Errorf("k%d holds %d prices, want 50", k, got.N)
		}
	}
}

func BenchmarkAddSnapshot(b *testing.B) {
	s := New(DefaultWindow)
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{Key("m", "phones", "EUR"), Key("m", "bikes", "EUR"), Key("m", "sofas", "EUR")}
	for i := range 3 * DefaultWindow {
		s.Add(keys[i%3], 1000+r.Int64N(100_000))
	}
	i := 0
	for b.Loop() {
		k := keys[i%3]
		s.Add(k, 1000+r.Int64N(100_000))
		if _, ok := s.Snapshot(k); !ok {
			b.Fatal("no snapshot")
		}
		i++
	}
}
