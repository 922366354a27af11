package price

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzStats feeds a window a sequence of prices (8 bytes each) and checks
// its summary against the naive one of the last window positive prices,
// then Check's findings for the last price against the summary.
func FuzzStats(f *testing.F) {
	for _, tc := range []struct {
		window int
		prices []int64
	}{
		{5, []int64{100, 200, 300, 400, 500, 600, 700}},
		{4, []int64{0, -5, 24000, 24000, 24000, 24001, 1}},
		{3, []int64{math.MaxInt64, math.MaxInt64 - 1, 1, math.MaxInt64}},
		{1000, []int64{2500, 2500, 2600, 2400, 99, 100000000}},
		{2, []int64{7, 7, 7, 7}},
	} {
		f.Add(uint16(tc.window), encodePrices(tc.prices), 0.05, 3.5, 5.0, 0.5)
	}
	f.Fuzz(func(t *testing.T, window uint16, data []byte, floor, low, high, below float64) {
		w := int(window%64) + 1
		s := New(w)
		var kept []int64
		var last int64
		for b := data; len(b) >= 8 && len(kept) < 4096; b = b[8:] {
			last = int64(binary.LittleEndian.Uint64(b))
			s.Add("k", last)
			if last > 0 {
				kept = append(kept, last)
			}
		}
		sum, ok := s.Snapshot("k")
		if ok != (len(kept) > 0) {
			t.Fatalf("Snapshot ok = %v after %d prices", ok, len(kept))
		}
		if !ok {
			return
		}
		want := naive(kept[max(0, len(kept)-w):])
		if sum.N != want.N || !close(sum.Median, want.Median) || !close(sum.MAD, want.MAD) {
			t.Fatalf("window %d of %v: summary %+v, naive %+v", w, kept, sum, want)
		}
		p := Params{MinSamples: 1, HighMADs: high, LowMADs: low, BelowMarketFraction: below, MADFloor: floor}
		checkFindings(t, sum, last, p)
	})
}

func close(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// checkFindings checks Check's findings: price.zero alone for a price ≤ 0,
// otherwise at most one of too_high and too_low, every finding about the
// price with its value, and no NaN or infinity in the evidence.
func checkFindings(t *testing.T, s Summary, amount int64, p Params) {
	t.Helper()
	fs := Check(s, amount, p)
	if amount <= 0 {
		if len(fs) != 1 || fs[0].Code != CodeZero {
			t.Fatalf("Check(%d) = %+v, want price.zero alone", amount, fs)
		}
		return
	}
	codes := map[string]int{}
	for _, f := range fs {
		codes[f.Code]++
		if f.Field != "price" || f.Value != strconv.FormatInt(amount, 10) || f.Detail == "" {
			t.Fatalf("Check(%+v, %d, %+v): finding %+v", s, amount, p, f)
		}
		valid := !math.IsNaN(p.HighMADs) && !math.IsNaN(p.LowMADs) && !math.IsNaN(p.BelowMarketFraction) && !math.IsNaN(p.MADFloor)
		if text := f.Threshold + f.Detail; valid && (strings.Contains(text, "NaN") || strings.Contains(text, "Inf")) {
			t.Fatalf("Check(%+v, %d, %+v): evidence %q", s, amount, p, text)
		}
	}
	for code, n := range codes {
		if n > 1 || !slices.Contains([]string{CodeTooHigh, CodeTooLow, CodeBelowMarket}, code) {
			t.Fatalf("Check(%+v, %d, %+v) = %+v", s, amount, p, fs)
		}
	}
	if codes[CodeTooHigh] > 0 && codes[CodeTooLow] > 0 {
		t.Fatalf("Check(%+v, %d): both too high and too low", s, amount)
	}
}

func encodePrices(ps []int64) []byte {
	var b []byte
	for _, p := range ps {
		b = binary.LittleEndian.AppendUint64(b, uint64(p))
	}
	return b
}

// FuzzBrands builds a brand list from lines ("name" or "name=price") and
// checks Find on a text: each hit's span is inside the text on character
// boundaries and holds its match, a brand is found once, at its first
// mention, hits come in order, every brand is found in its own name, and
// Counterfeit reports exactly the hits priced below the brand's minimum.
func FuzzBrands(f *testing.F) {
	f.Add("Rolex=300000\nLouis Vuitton=40000\nHermès=100000\nNike=3000\nDolce & Gabbana\n!!!", "Original ROLEX, Louis-Vuitton bag, Herme\u0300s. NIKE nikes", int64(5000))
	f.Add("Ǖber\nﬁne\nİstanbul\nß", "UBER FINE istanbul SS ẞ", int64(1))
	f.Add("a\na b\nb", "a b a-b ab", int64(0))
	f.Fuzz(func(t *testing.T, list, text string, amount int64) {
		if len(list) > 1024 || len(text) > 4096 {
			return
		}
		var brands []Brand
		for _, line := range strings.Split(list, "\n") {
			name, price, _ := strings.Cut(line, "=")
			min, _ := strconv.ParseInt(price, 10, 64)
			if !slices.ContainsFunc(brands, func(b Brand) bool { return b.Name == name }) {
				brands = append(brands, Brand{Name: name, MinPrice: min}) // a hit names its brand by value
			}
		}
		b := NewBrands(brands)
		hits := b.Find(text)
		seen := map[int]bool{}
		for i, h := range hits {
			sp := h.Span
			if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End || text[sp.Start:sp.End] != h.Match ||
				!runeBoundary(text, sp.Start) || !runeBoundary(text, sp.End) {
				t.Fatalf("Find(%q): hit %+v", text, h)
			}
			if i > 0 && hits[i-1].Span.Start > sp.Start {
				t.Fatalf("Find(%q): hits out of order: %+v", text, hits)
			}
			k := slices.IndexFunc(b.brands, func(br Brand) bool { return br == h.Brand })
			if k < 0 || seen[k] {
				t.Fatalf("Find(%q): brand %+v unknown or found twice", text, h.Brand)
			}
			seen[k] = true
		}
		for k, br := range b.brands {
			if !slices.ContainsFunc(b.Find(br.Name), func(h Hit) bool { return h.Brand == br }) {
				t.Fatalf("brand %q is not found in its own name (brand %d)", br.Name, k)
			}
		}
		fs := Counterfeit("title", hits, amount)
		n := 0
		for _, h := range hits {
			if amount > 0 && h.Brand.MinPrice > amount {
				if n >= len(fs) || fs[n].Code != CodeCounterfeit || *fs[n].Span != h.Span || fs[n].Match != h.Match {
					t.Fatalf("Counterfeit(%d, %+v) = %+v", amount, hits, fs)
				}
				n++
			}
		}
		if n != len(fs) {
			t.Fatalf("Counterfeit(%d, %+v) = %+v", amount, hits, fs)
		}
	})
}

// runeBoundary reports whether i starts a character of s or ends s; a
// byte that is not UTF-8 is a character of its own.
func runeBoundary(s string, i int) bool {
	if i == len(s) {
		return true
	}
	for j := i; j >= 0 && j > i-utf8.UTFMax; j-- {
		if utf8.RuneStart(s[j]) {
			_, size := utf8.DecodeRuneInString(s[j:])
			return j == i || j+size <= i
		}
	}
	return true
}
